// A rolling upgrade as production runs it: instances of the previous release and of this one,
// behind one load balancer, on one Redis, with one SESSION_SECRET. Both run as real processes.
import { type Emulator, startEmulator } from "@entra-bff/entra-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import { freePort } from "../helpers/free-port.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { signInOverHttp, startServerProcess } from "../helpers/server-process.js";
import { ADELE } from "../helpers/test-app.js";
import { previousReleaseServer } from "./previous-release.js";

/** What the load balancer's address would be: both releases build the same redirect URI. */
const PUBLIC_URL = "http://localhost:5000";
const SESSION_SECRET = "a-rolling-upgrade-session-secret-long-enough-0123";
/** https mode behind a TLS-terminating proxy (here: the x-forwarded-proto header it adds). */
const HTTPS_ENV = { PUBLIC_URL: "https://localhost:5443", TRUST_PROXY: "1" };
const VIA_HTTPS = { "x-forwarded-proto": "https" };

let redis: RedisServer;
let emulator: Emulator;
let store: KeyValueStore;
let previousServer: string;
beforeAll(async () => {
  previousServer = previousReleaseServer();
  redis = await startRedisServer();
  emulator = await startEmulator({
    redirectUris: [`${PUBLIC_URL}/getAToken`, `${HTTPS_ENV.PUBLIC_URL}/getAToken`],
  });
  store = createRedisStore({ url: redis.url, commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
}, 180_000);
afterAll(async () => {
  await store?.close();
  await emulator?.close();
  await redis?.stop();
});

/** Starts one BFF instance (`entry`: this release by default) and returns its address. */
async function startInstance(entry?: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const server = startServerProcess(
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL,
      ENTRA_EMULATOR_URL: emulator.url,
      REDIS_URL: redis.url,
      SESSION_SECRET,
      LOG_FORMAT: "json",
      ...env,
    },
    [],
    entry,
  );
  await server.waitFor(/Server listening/, 60_000);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  };
  return { base, stop };
}

const get = (base: string, path: string, cookie: string) =>
  fetch(`${base}${path}`, { headers: { cookie, "x-csrf": "1" }, redirect: "manual" });

/** The session id inside a `bff.sid=<id>.<signature>` cookie: every key of the session is named by it. */
function sessionId(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  return value.slice(0, value.lastIndexOf("."));
}

/** The stored records of a session, parsed as they are in Redis (with or without `_v`). */
async function records(id: string) {
  const read = async (key: string) => {
    const raw = await store.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
  };
  return {
    session: await read(`sess:{${id}}`),
    tokenCache: await read(`tc:{${id}}`),
    accessToken: await read(`at:{${id}}`),
  };
}

/** Starts a sign-in (/login → the emulator) and returns the callback still to be delivered. */
async function pendingSignIn(base: string) {
  const login = await fetch(`${base}/login`, { redirect: "manual" });
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const redirect = await emulator.signIn(String(login.headers.get("location")), ADELE);
  return { cookie, callbackPath: `${redirect.pathname}${redirect.search}` };
}

/** Delivers a pending sign-in's callback to `base` and returns the new session's cookie. */
async function complete(base: string, pending: { cookie: string; callbackPath: string }) {
  const done = await fetch(`${base}${pending.callbackPath}`, {
    headers: { cookie: pending.cookie },
    redirect: "manual",
  });
  expect(done.status).toBe(302);
  expect(done.headers.get("location")).toBe("/");
  const cookie = done.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .find((pair) => pair.startsWith("bff.sid="));
  if (!cookie) throw new Error("the callback set no session cookie");
  return cookie;
}

async function expectSignedIn(base: string, cookie: string) {
  const session = await get(base, "/api/session", cookie);
  expect(session.status).toBe(200);
  expect(await session.json()).toMatchObject({ authenticated: true, user: { username: ADELE } });
  const me = await get(base, "/api/me", cookie);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ userPrincipalName: ADELE });
}

describe("rolling upgrade from the previous release on the same Redis", { timeout: 180_000 }, () => {
  it("serves the sessions, token caches, shared access tokens and pending sign-ins the previous release stored", async () => {
    const previous = await startInstance(previousServer);
    const a = (await signInOverHttp(previous.base, emulator, ADELE)).cookie;
    expect((await get(previous.base, "/api/me", a)).status).toBe(200); // shares an access token
    const b = (await signInOverHttp(previous.base, emulator, ADELE)).cookie;
    const pending = await pendingSignIn(previous.base);

    // The previous release's records, unversioned as it wrote them.
    const old = await records(sessionId(a));
    for (const record of [old.session, old.tokenCache, old.accessToken]) {
      expect(record).toBeDefined();
      expect(record).not.toHaveProperty("_v");
    }
    expect(old.session).toHaveProperty("auth.user.username", ADELE);
    await previous.stop();

    const next = await startInstance();
    // Session record and shared access token of the previous release.
    await expectSignedIn(next.base, a);
    // Its MSAL token cache: without a shared access token, /api/me needs its refresh token.
    await store.delete(`at:{${sessionId(b)}}`);
    await expectSignedIn(next.base, b);
    const rewritten = await records(sessionId(b));
    expect(rewritten.tokenCache).toHaveProperty("_v", 1);
    expect(rewritten.accessToken).toHaveProperty("_v", 1);
    // A sign-in started on the previous release completes on this one.
    await expectSignedIn(next.base, await complete(next.base, pending));
    await next.stop();
  });

  it("keeps the previous release serving what this release stores while both run (mixed fleet)", async () => {
    const next = await startInstance();
    const previous = await startInstance(previousServer);
    const c = (await signInOverHttp(next.base, emulator, ADELE)).cookie;
    expect((await get(next.base, "/api/me", c)).status).toBe(200);
    const pending = await pendingSignIn(next.base);
    const stored = await records(sessionId(c));
    for (const record of [stored.session, stored.tokenCache, stored.accessToken]) {
      expect(record).toHaveProperty("_v", 1);
    }
    // This release's compact records: no cookie sub-object, an account without name or profiles.
    expect(stored.session).not.toHaveProperty("cookie");
    expect(JSON.stringify(stored.tokenCache)).not.toMatch(/tenantProfiles|client_info|IdToken/);

    // A request of the same user lands on an instance still on the previous release.
    await expectSignedIn(previous.base, c);
    await store.delete(`at:{${sessionId(c)}}`);
    await expectSignedIn(previous.base, c); // refreshes from this release's token cache
    await expectSignedIn(previous.base, await complete(previous.base, pending));
    // And back: what the previous release rewrote, this release still reads.
    await store.delete(`at:{${sessionId(c)}}`);
    await expectSignedIn(next.base, c);
    await previous.stop();
    await next.stop();
  });

  it("https: serves the previous release's __Host-bff.sid and moves it to __Host-Http-bff.sid; the previous release serves sessions this one starts", async () => {
    const next = await startInstance(undefined, HTTPS_ENV);
    const previous = await startInstance(previousServer, HTTPS_ENV);
    const oldSession = await signInViaHttps(previous.base);
    expect(Object.keys(oldSession)).toEqual(["__Host-bff.sid"]);
    const value = String(oldSession["__Host-bff.sid"]);
    const moved = await getViaHttps(next.base, "/api/session", `__Host-bff.sid=${value}`);
    expect(await moved.json()).toMatchObject({ authenticated: true, user: { username: ADELE } });
    expect(pairs(moved)).toEqual({ "__Host-Http-bff.sid": value });

    const newSession = await signInViaHttps(next.base);
    expect(Object.keys(newSession).sort()).toEqual(["__Host-Http-bff.sid", "__Host-bff.sid"]);
    const both = Object.entries(newSession)
      .map(([name, id]) => `${name}=${id}`)
      .join("; ");
    const served = await getViaHttps(previous.base, "/api/session", both);
    expect(await served.json()).toMatchObject({ authenticated: true, user: { username: ADELE } });
    const signOut = await fetch(`${previous.base}/logout`, {
      method: "POST",
      headers: { ...VIA_HTTPS, "x-csrf": "1", cookie: both },
    });
    expect(signOut.status).toBe(200);
    const after = await getViaHttps(next.base, "/api/session", both);
    expect(await after.json()).toMatchObject({ authenticated: false });
    expect(pairs(after)).toEqual({ "__Host-Http-bff.sid": "", "__Host-bff.sid": "" });
    await previous.stop();
    await next.stop();
  });
});

const getViaHttps = (base: string, path: string, cookie: string) =>
  fetch(`${base}${path}`, { headers: { ...VIA_HTTPS, cookie, "x-csrf": "1" }, redirect: "manual" });

/** The session cookies a response sets, name → value. */
function pairs(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(";")[0] ?? "";
    const name = pair.slice(0, pair.indexOf("="));
    if (name.endsWith("bff.sid")) out[name] = pair.slice(pair.indexOf("=") + 1);
  }
  return out;
}

/** Signs ADELE in on `base` through its https PUBLIC_URL; returns the session cookies it set. */
async function signInViaHttps(base: string): Promise<Record<string, string>> {
  const login = await fetch(`${base}/login`, { headers: VIA_HTTPS, redirect: "manual" });
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const redirect = await emulator.signIn(String(login.headers.get("location")), ADELE);
  const done = await fetch(`${base}${redirect.pathname}${redirect.search}`, {
    headers: { ...VIA_HTTPS, cookie },
    redirect: "manual",
  });
  expect(done.status).toBe(302);
  return pairs(done);
}
