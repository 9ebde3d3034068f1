import { randomBytes } from "node:crypto";
import { request } from "undici";
import { type Child, spawnChild } from "./child.js";
import { CookieJar } from "./cookies.js";
import type { EmulatorInfo, EmulatorProcess } from "./emulator-process.js";
import { answers200 } from "./http.js";
import { paths } from "./paths.js";

export interface BffOptions {
  name: string;
  port: number;
  /** The shared emulator: sign-in always goes there. */
  emulator: EmulatorInfo;
  /**
   * A Graph other than the emulator's (the static stub). The BFF then runs with the emulator's
   * tenant, client and secret as ENTRA_* settings beside ENTRA_EMULATOR_URL, because
   * GRAPH_BASE_URL only applies with ENTRA_* set: emulator mode takes Graph from the emulator.
   */
  graphBaseUrl?: string;
  redisUrl?: string;
  redisKeyPrefix?: string;
  logLevel: string;
  /** BFF_APIS: a JSON file of declared APIs. */
  apisFile?: string;
  /** Extra Node flags, e.g. `--cpu-prof` when profiling. */
  nodeArgs?: string[];
}

export interface BffProcess {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/** The public URL of a BFF on `port`; the emulator must register `${it}/getAToken`. */
export const bffPublicUrl = (port: number) => `http://127.0.0.1:${port}`;

/** The emulator's tenant as a "real" one, with Graph at `graphBaseUrl`. */
function entraSettings(emulator: EmulatorInfo, graphBaseUrl: string): NodeJS.ProcessEnv {
  return {
    ENTRA_TENANT_ID: emulator.tenantId,
    ENTRA_CLIENT_ID: emulator.client.clientId,
    ENTRA_CLIENT_SECRET: emulator.client.clientSecret,
    GRAPH_BASE_URL: graphBaseUrl,
  };
}

/**
 * Runs the built BFF (`apps/bff/dist/server.js`, exactly what `pnpm start` runs) against an
 * external emulator, so every instance and the bare proxy talk to the same Graph.
 */
export async function startBff(options: BffOptions): Promise<BffProcess> {
  const url = bffPublicUrl(options.port);
  const child = await spawnChild({
    name: options.name,
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), paths.bffServer],
    cwd: paths.repoRoot,
    env: {
      PORT: String(options.port),
      HOST: "127.0.0.1",
      PUBLIC_URL: url,
      ENTRA_EMULATOR_URL: options.emulator.url,
      ...(options.graphBaseUrl ? entraSettings(options.emulator, options.graphBaseUrl) : {}),
      SESSION_SECRET: randomBytes(36).toString("base64url"),
      LOG_LEVEL: options.logLevel,
      // The bench signs in dozens of sessions from one IP in a few seconds.
      AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
      // No load balancer to drain: stop at once, so a graceful stop (and --cpu-prof's write) fits
      // in the harness's 3 s before SIGKILL.
      SHUTDOWN_DRAIN_MS: "0",
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...(options.redisKeyPrefix ? { REDIS_KEY_PREFIX: options.redisKeyPrefix } : {}),
      ...(options.apisFile ? { BFF_APIS: options.apisFile } : {}),
    },
    ready: () => answers200(`${url}/healthz`),
    timeoutMs: 30_000,
  });
  return { url, child, stop: () => child.stop() };
}

/**
 * Signs one user in through the real flow, as a browser would: GET /login (no redirect
 * following) → the emulator's account picker → GET /getAToken?code&state with the login
 * cookie. Resolves the `Cookie` header of the signed-in session, checked with /api/session.
 */
export async function signInSession(
  bffUrl: string,
  emulator: EmulatorProcess,
  username: string,
): Promise<string> {
  const jar = new CookieJar();
  const login = await request(`${bffUrl}/login?returnTo=/`, { method: "GET" });
  await login.body.dump();
  jar.store(login.headers["set-cookie"]);
  const authorizeUrl = login.headers.location;
  if (login.statusCode !== 302 || typeof authorizeUrl !== "string") {
    throw new Error(`GET /login answered ${login.statusCode}, expected a 302 to the authorize endpoint`);
  }
  const callback = await emulator.signIn(authorizeUrl, username);
  if (!callback.searchParams.has("code")) {
    throw new Error(`the emulator did not return a code: ${callback.search}`);
  }
  const back = await request(`${bffUrl}${callback.pathname}${callback.search}`, {
    method: "GET",
    headers: { cookie: jar.header() ?? "" },
  });
  const backBody = await back.body.text();
  jar.store(back.headers["set-cookie"]);
  if (back.statusCode !== 302) {
    throw new Error(`GET /getAToken answered ${back.statusCode}: ${backBody.slice(0, 300)}`);
  }
  const cookie = jar.header() ?? "";
  const check = await request(`${bffUrl}/api/session`, { headers: { cookie, "x-csrf": "1" } });
  const session = (await check.body.json()) as { authenticated?: boolean };
  if (check.statusCode !== 200 || session.authenticated !== true) {
    throw new Error(`signed in as ${username} but /api/session says ${JSON.stringify(session)}`);
  }
  return cookie;
}
