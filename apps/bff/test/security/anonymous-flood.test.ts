import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import { redisForFile } from "../helpers/redis-server.js";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

/**
 * Issue 14, item 2: anonymous traffic must never push signed-in users out. Pre-login records
 * live in their own capped namespace; when it is full, new sign-ins get a 503 page and nothing
 * else changes.
 */
const BUDGET = 50;
const SESSIONS = 5;

const redisUrl = redisForFile();

/** Address number `i`: alternately an IPv4 address and an IPv6 address in a /64 of its own. */
function address(i: number): string {
  return i % 2 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8:${i.toString(16)}::1`;
}

function login(app: FastifyInstance, remoteAddress: string) {
  return app.inject({ method: "GET", url: "/login", remoteAddress });
}

describe.each([
  // So small that 10× the budget in the one LRU would have evicted every session.
  ["memory", () => createMemoryStore({ maxEntries: 40 })],
  ["redis", () => createRedisStore({ url: redisUrl(), keyPrefix: `flood:${randomUUID()}:` })],
])("an anonymous /login flood (%s store)", (_name, makeStore) => {
  it(`of 10× the PRELOGIN_MAX budget from ${BUDGET * 10} addresses leaves every session working`, async () => {
    const { app, emulator, store } = await buildTestApp({
      store: makeStore(),
      env: { PRELOGIN_MAX: String(BUDGET) },
      logLevel: "warn",
    });
    const jars: CookieJar[] = [];
    for (let i = 0; i < SESSIONS; i++) jars.push(await signIn(app, emulator, ADELE));

    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: BUDGET }, (_, i) => login(app, address(batch * BUDGET + i))),
      );
      statuses.push(...responses.map((r) => r.statusCode));
      const refused = responses.find((r) => r.statusCode === 503);
      if (refused) {
        expect(refused.headers["content-type"]).toMatch(/^text\/html/);
        expect(refused.headers["retry-after"]).toBe("60");
        expect(refused.body).toContain("Too many sign-ins in progress");
      }
    }
    // Every signed-in user is still signed in…
    const me = await Promise.all(jars.map((jar) => api(app, jar, "/api/me")));
    expect(me.map((r) => r.statusCode)).toEqual(Array(SESSIONS).fill(200));
    for (const r of me) expect(r.json()).toMatchObject({ userPrincipalName: ADELE });
    expect(await store.count("sess:")).toBe(SESSIONS);
    // …and the flood got exactly the budget, then a 503 page.
    expect(statuses.filter((s) => s === 302)).toHaveLength(BUDGET);
    expect(statuses.filter((s) => s === 503)).toHaveLength(BUDGET * 9);
    expect(await store.count("login:")).toBe(BUDGET);
  });
});

describe("pre-login records in Redis", () => {
  it("expire by themselves and never outnumber PRELOGIN_MAX", async () => {
    const keyPrefix = `prelogin:${randomUUID()}:`;
    const { app } = await buildTestApp({
      store: createRedisStore({ url: redisUrl(), keyPrefix }),
      env: { PRELOGIN_MAX: "3" },
    });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(app, address(i))).statusCode);
    expect(statuses).toEqual([302, 302, 302, 503, 503, 503]);
    const raw = new Redis(redisUrl());
    try {
      const keys = await raw.keys(`${keyPrefix}*`);
      expect(keys.filter((k) => k.startsWith(`${keyPrefix}login:`))).toHaveLength(3);
      for (const key of keys) {
        const ttl = await raw.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(10 * 60_000);
      }
    } finally {
      raw.disconnect();
    }
  });
});

describe("the /login and /getAToken rate limit", () => {
  it("counts an IPv6 client per /64, and an IPv4 client (mapped or not) per address", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
    const status = async (ip: string) => (await login(app, ip)).statusCode;

    for (const ip of ["2001:db8:a:b::1", "2001:db8:a:b::2", "2001:db8:a:b:1234:5678:9abc:def0"]) {
      expect(await status(ip)).toBe(302);
    }
    // A fourth address of the same /64 is the same client.
    const limited = await login(app, "2001:db8:a:b:ffff:ffff:ffff:ffff");
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain("Too many sign-in attempts");
    expect(await status("2001:db8:a:c::1")).toBe(302);

    for (let i = 0; i < 3; i++) expect(await status("192.0.2.1")).toBe(302);
    expect(await status("::ffff:192.0.2.1")).toBe(429);
    expect(await status("192.0.2.2")).toBe(302);
  });
});
