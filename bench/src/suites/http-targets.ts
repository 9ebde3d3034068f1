import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { type BffProcess, bffPublicUrl, signInSession, startBff } from "../lib/bff-process.js";
import { type Child, spawnChild, stopAll } from "../lib/child.js";
import { type ProfileSummary, summarizeProfiles } from "../lib/cpu-profile.js";
import { type EmulatorProcess, startEmulatorProcess } from "../lib/emulator-process.js";
import type { LoadSummary } from "../lib/load.js";
import { targetCommand } from "../lib/paths.js";
import { freePort } from "../lib/ports.js";
import { type RedisInstance, redisUnavailableReason, startRedis } from "../lib/redis.js";
import type { BenchOptions } from "../options.js";
import type { RedisMemoryFigures, Skipped, TargetId } from "../report/results.js";
import { targetLabels } from "../report/results.js";
import { measureRedisSession, readOneSession, type StoredEntry } from "./redis-memory.js";
import { measureThroughput, type ThroughputTarget } from "./throughput.js";

export interface HttpFigures {
  throughput: Partial<Record<TargetId, LoadSummary | Skipped>>;
  redisSession: RedisMemoryFigures | Skipped;
  /** One real signed-in session as the BFF stored it, for the memory-store probe. */
  sessionEntries: StoredEntry[];
  /** With --profile: the memory-store BFF's hottest functions by self time. */
  profile?: ProfileSummary;
}

/** Level the BFF logs at during load: request logs are an ops choice, the bare targets log nothing. */
export const BFF_LOG_LEVEL = "warn";

const REDIS_KEY_PREFIX = "bench:";
const BARE_PROXY_PATH = "/api/me";

const pidOf = (bff: BffProcess) => bff.child.process.pid;

/** Signs `count` sessions in, a few at a time, spread over the emulator's demo users. */
async function signInMany(bff: BffProcess, emulator: EmulatorProcess, count: number): Promise<string[]> {
  const users = emulator.info.users;
  const cookies: string[] = [];
  for (let i = 0; i < count; i += 5) {
    const batch = Array.from({ length: Math.min(5, count - i) }, (_, j) =>
      signInSession(bff.url, emulator, users[(i + j) % users.length] as string),
    );
    cookies.push(...(await Promise.all(batch)));
  }
  return cookies;
}

/**
 * Sets up every HTTP target in its own process — emulator, BFF (memory store), BFF (Redis
 * store), bare proxy, bare JSON route — signs sessions in through the real flow, measures
 * them all with rotated order, and reads Redis' bytes per session. Stops everything it started.
 */
export async function measureHttpTargets(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<HttpFigures> {
  const children: Array<Child | BffProcess | RedisInstance | EmulatorProcess | undefined> = [];
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), "bench-cpu-prof-")) : undefined;
  let apisDir: string | undefined;
  try {
    const redisSkip = redisUnavailableReason();
    const [memoryPort, redisPort, tokenPort] = [await freePort(), await freePort(), await freePort()];
    const tokenRedirect = `http://127.0.0.1:${tokenPort}/callback`;
    log("starting the emulator");
    const emulator = await startEmulatorProcess([
      `${bffPublicUrl(memoryPort)}/getAToken`,
      `${bffPublicUrl(redisPort)}/getAToken`,
      tokenRedirect,
    ]);
    children.push(emulator);

    const redis = redisSkip ? undefined : await startRedis();
    children.push(redis);
    // The same Graph /me, reached through a declared API route (BFF_APIS) instead of /api/me.
    apisDir = mkdtempSync(join(tmpdir(), "bench-apis-"));
    const apisFile = join(apisDir, "apis.json");
    const graphApi = { prefix: "/api/graph", upstream: `${emulator.info.graphBaseUrl}/v1.0`, token: "user" };
    // The load comes from a few sessions: the per-session limits must not turn it into 429s.
    const unlimited = { rateLimitPerMinute: 1_000_000_000, maxConcurrentPerSession: 10_000 };
    writeFileSync(apisFile, JSON.stringify([{ ...graphApi, scopes: ["User.Read"], ...unlimited }]));
    log("starting the BFF (memory store)");
    const bffMemory = await startBff({
      apisFile,
      name: "bff (memory)",
      port: memoryPort,
      emulatorUrl: emulator.info.url,
      logLevel: BFF_LOG_LEVEL,
      nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
    });
    children.push(bffMemory);
    const bffRedis = redis
      ? await startBff({
          name: "bff (redis)",
          port: redisPort,
          emulatorUrl: emulator.info.url,
          redisUrl: redis.url,
          redisKeyPrefix: REDIS_KEY_PREFIX,
          logLevel: BFF_LOG_LEVEL,
        })
      : undefined;
    children.push(bffRedis);

    log(`signing ${options.sessions} sessions in per BFF through /login → picker → /getAToken`);
    const memoryCookies = await signInMany(bffMemory, emulator, options.sessions);
    const redisCookies = bffRedis ? await signInMany(bffRedis, emulator, options.sessions) : [];

    const token = await emulator.accessToken(emulator.info.users[0] as string, tokenRedirect);
    const graphMe = `${emulator.info.graphBaseUrl}/v1.0/me`;
    const proxyCmd = targetCommand("bare-proxy.ts");
    const proxy = await spawnChild({
      name: "bare proxy",
      ...proxyCmd,
      env: { GRAPH_ME_URL: graphMe, ACCESS_TOKEN: token },
      ready: "json-line",
    });
    children.push(proxy);

    // The bare route answers exactly what the BFF answers for a signed-in session.
    const sessionRes = await request(`${bffMemory.url}/api/session`, {
      headers: { cookie: memoryCookies[0] ?? "", "x-csrf": "1" },
    });
    const sessionJson = await sessionRes.body.text();
    const jsonCmd = targetCommand("bare-json.ts");
    const bareJson = await spawnChild({
      name: "bare JSON",
      command: jsonCmd.command,
      args: [...jsonCmd.args, sessionJson],
      ready: "json-line",
    });
    children.push(bareJson);

    const api = (cookies: string[]) => cookies.map((cookie) => ({ cookie, "x-csrf": "1" }));
    const targets: ThroughputTarget[] = [
      {
        id: "bffMeMemory",
        url: `${bffMemory.url}/api/me`,
        headerSets: api(memoryCookies),
        pid: pidOf(bffMemory),
      },
      {
        id: "bffDeclaredMe",
        url: `${bffMemory.url}/api/graph/me`,
        headerSets: api(memoryCookies),
        pid: pidOf(bffMemory),
      },
      ...(bffRedis
        ? [
            {
              id: "bffMeRedis",
              url: `${bffRedis.url}/api/me`,
              headerSets: api(redisCookies),
              pid: pidOf(bffRedis),
            },
          ]
        : []),
      { id: "bareProxyMe", url: `${proxy.info.url}${BARE_PROXY_PATH}`, pid: proxy.process.pid },
      {
        id: "graphMeDirect",
        url: graphMe,
        headerSets: [{ authorization: `Bearer ${token}` }],
        pid: emulator.child.process.pid,
      },
      {
        id: "bffSession",
        url: `${bffMemory.url}/api/session`,
        headerSets: api(memoryCookies),
        pid: pidOf(bffMemory),
      },
      { id: "bareJsonSession", url: `${bareJson.info.url}/api/session`, pid: bareJson.process.pid },
    ].map((t) => ({ ...t, label: targetLabels[t.id as TargetId] }));

    const throughput: HttpFigures["throughput"] = await measureThroughput(targets, options, log);
    if (redisSkip) throughput.bffMeRedis = { skipped: redisSkip };

    const redisSession: HttpFigures["redisSession"] = redis
      ? await measureRedisSession(redis.url, options.sessions)
      : { skipped: redisSkip ?? "no Redis" };
    const sessionEntries = redis ? await readOneSession(redis.url, REDIS_KEY_PREFIX) : [];
    // A graceful stop makes Node write the profile.
    await bffMemory.stop();
    const profile = profileDir ? summarizeProfiles(profileDir) : undefined;
    return { throughput, redisSession, sessionEntries, ...(profile ? { profile } : {}) };
  } finally {
    await stopAll(children.reverse());
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    if (apisDir) rmSync(apisDir, { recursive: true, force: true });
  }
}
