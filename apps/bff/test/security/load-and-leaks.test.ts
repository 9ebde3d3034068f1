import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

// Bounded, loopback only (inject + the emulator on 127.0.0.1). Scaled to run well under a minute
// on two shared cores; the 2,000 / 20,000 run with SIGN_INS=2000 API_CALLS=20000.
const SIGN_INS = 500;
const API_CALLS = 5000;
const CONCURRENCY = 10;
const DAY_MS = 24 * 3_600_000;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

afterEach(() => {
  vi.restoreAllMocks();
});

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function inBatches<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, count - start) }, (_, k) => run(start + k));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe("security: load and leaks", () => {
  it(`signs in ${SIGN_INS} times and serves ${API_CALLS} /api/me calls; afterwards sessions and heap return to baseline`, async () => {
    // lru-cache (the memory store) reads performance.now(): moving it forward expires entries.
    let offsetMs = 0;
    const realNow = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => realNow() + offsetMs);
    const { app, emulator, store } = await buildTestApp({ logLevel: "warn" });
    const users = emulator.users.map((u) => u.userPrincipalName);
    const prefixes = ["sess:", "tc:", "at:", "login:"];
    const counts = async () =>
      Object.fromEntries(await Promise.all(prefixes.map(async (p) => [p, await store.count(p)])));

    // Warm up every code path once, let it all expire, then take the baseline.
    const warm = await inBatches(20, (i) => signIn(app, emulator, String(users[i % users.length])));
    await inBatches(100, (i) => api(app, warm[i % warm.length] as CookieJar, "/api/me"));
    offsetMs += DAY_MS;
    expect(await counts()).toEqual({ "sess:": 0, "tc:": 0, "at:": 0, "login:": 0 });
    emulator.reset();
    const baseline = heapAfterGc();

    const jars = await inBatches(SIGN_INS, (i) => signIn(app, emulator, String(users[i % users.length])));
    expect(await store.count("sess:")).toBe(SIGN_INS);
    const statuses = new Map<number, number>();
    const calls = await inBatches(API_CALLS, (i) => api(app, jars[i % jars.length] as CookieJar, "/api/me"));
    // One injected Graph fault (a 500 twice: retried once, then 502) between two batches.
    emulator.graphFault({ status: 500, count: 2 });
    calls.push(await api(app, jars[0] as CookieJar, "/api/me"));
    for (const res of calls) statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: API_CALLS, 502: 1 });

    // Past the idle and absolute lifetimes: the store forgets every session and token cache.
    offsetMs += DAY_MS;
    expect(await counts()).toEqual({ "sess:": 0, "tc:": 0, "at:": 0, "login:": 0 });
    jars.length = 0;
    calls.length = 0;
    emulator.reset();
    const after = heapAfterGc();
    // The emulator (same process) keeps its issued codes and refresh tokens; allow for that.
    expect(after - baseline).toBeLessThan(16 * 1024 * 1024);
    // An expired session's cookie is refused, never served from a leftover copy.
    const replay = await api(app, warm[0] as CookieJar, "/api/me");
    expect(replay.statusCode).toBe(401);
  }, 120_000);
});
