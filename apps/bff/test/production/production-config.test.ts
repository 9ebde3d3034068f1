import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Emulator, envLines } from "@entra-bff/entra-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulatorFor } from "../helpers/emulator.js";
import { freePort } from "../helpers/free-port.js";
import { type BffChild, Cookies, startBffProcess } from "./bff-process.js";

// Issue 19 item 7: the BFF in production configuration (no emulator mode) against the --https
// emulator — the variables a team sets for a real tenant, from `entra-emulator --print-env`, and
// NODE_EXTRA_CA_CERTS in the environment the BFF starts with.
const ADELE = "AdeleV@M365x214355.onmicrosoft.com";
let emulator: Emulator;
let port: number;
let printed: Record<string, string>;
const started: BffChild[] = [];

beforeAll(async () => {
  port = await freePort();
  emulator = await startEmulatorFor({ https: true, publicUrl: `http://127.0.0.1:${port}` });
  printed = Object.fromEntries(
    envLines(emulator).map((line) => {
      const [key = "", value = ""] = line.split(/=(.*)/s);
      return [key, value.replace(/^'(.*)'$/, "$1")];
    }),
  );
});
afterAll(async () => {
  for (const bff of started) await bff.stop();
  await emulator.close();
});

/** What the production guide tells a team to set (no ENTRA_EMULATOR_URL: a real tenant's code path). */
function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ENTRA_TENANT_ID: printed.ENTRA_TENANT_ID,
    ENTRA_CLIENT_ID: printed.ENTRA_CLIENT_ID,
    ENTRA_CLIENT_SECRET: printed.ENTRA_CLIENT_SECRET,
    ENTRA_AUTHORITY_HOST: printed.ENTRA_AUTHORITY_HOST,
    GRAPH_BASE_URL: printed.GRAPH_BASE_URL,
    NODE_EXTRA_CA_CERTS: printed.NODE_EXTRA_CA_CERTS,
    SESSION_SECRET: randomBytes(36).toString("base64url"),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

async function startBff(env: Record<string, string>): Promise<BffChild> {
  const bff = await startBffProcess(port, env);
  started.push(bff);
  return bff;
}

/** /login → the emulator's picker (over TLS) → /getAToken, as a browser; returns the cookies. */
async function signIn(bff: BffChild): Promise<Cookies> {
  const cookies = new Cookies();
  const login = await fetch(`${bff.url}/login?returnTo=/`, { redirect: "manual" });
  cookies.store(login);
  const authorizeUrl = login.headers.get("location") ?? "";
  expect([
    login.status,
    authorizeUrl.startsWith(`${printed.ENTRA_AUTHORITY}/oauth2/v2.0/authorize?`),
  ]).toEqual([302, true]);
  const callback = await emulator.signIn(authorizeUrl, ADELE);
  const back = await fetch(`${bff.url}${callback.pathname}${callback.search}`, {
    redirect: "manual",
    headers: { cookie: cookies.header() },
  });
  cookies.store(back);
  expect(back.status).toBe(302);
  return cookies;
}

describe("the BFF in production configuration against the --https emulator", { timeout: 90_000 }, () => {
  it("signs in and serves /api/me through the real-tenant code path", async () => {
    const bff = await startBff(productionEnv());
    const cookies = await signIn(bff);
    const headers = { cookie: cookies.header(), "x-csrf": "1" };
    const session = await (await fetch(`${bff.url}/api/session`, { headers })).json();
    expect(session).toMatchObject({ authenticated: true, emulator: false });
    const me = await fetch(`${bff.url}/api/me`, { headers });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ displayName: "Adele Vance" });
    // Everything went to the https emulator: metadata, code redemption, Graph.
    const paths = emulator.requests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        `GET /${emulator.tenantId}/v2.0/.well-known/openid-configuration 200`,
        `POST /${emulator.tenantId}/oauth2/v2.0/token 200`,
        "GET /v1.0/me 200",
      ]),
    );
    await bff.stop();
  });

  it("passes `pnpm run doctor` with those settings; only the cloud check warns (not a Microsoft host)", async () => {
    const doctor = await promisify(execFile)(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--", "src/doctor/cli.ts", "--json"],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        env: { PATH: process.env.PATH, ...productionEnv() },
      },
    );
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.filter((check) => check.status === "warn").map((check) => check.id)).toEqual([
      "cloud",
    ]);
    expect(report.checks.find((check) => check.id === "client-credential")?.status).toBe("pass");
  });

  it("does not reach the emulator without NODE_EXTRA_CA_CERTS: TLS is verified, not bypassed", async () => {
    const bff = await startBff(productionEnv({ NODE_EXTRA_CA_CERTS: undefined }));
    const before = emulator.requests().length;
    const login = await fetch(`${bff.url}/login?returnTo=/`, { redirect: "manual" });
    // The metadata cannot load over an untrusted certificate: "the IdP is unavailable", no redirect.
    expect(login.status).toBe(503);
    expect(emulator.requests()).toHaveLength(before);
    await bff.stop();
  });

  it("keeps its emulator mode working against an external https emulator (ENTRA_EMULATOR_URL)", async () => {
    const bff = await startBff({
      ENTRA_EMULATOR_URL: printed.ENTRA_AUTHORITY_HOST ?? "",
      NODE_EXTRA_CA_CERTS: printed.NODE_EXTRA_CA_CERTS ?? "",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    });
    const cookies = await signIn(bff);
    const headers = { cookie: cookies.header(), "x-csrf": "1" };
    expect(await (await fetch(`${bff.url}/api/session`, { headers })).json()).toMatchObject({
      authenticated: true,
      emulator: true,
    });
    expect((await fetch(`${bff.url}/api/me`, { headers })).status).toBe(200);
    await bff.stop();
  });
});
