import { Redis } from "ioredis";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { sessionKeys } from "../../src/session/session-keys.js";
import { ADELE, api, type CookieJar, signIn } from "../helpers/test-app.js";
import { until } from "../helpers/until.js";
import { type Fleet, fleetsOnSharedRedis, type Instance } from "./fleet.js";
import { recordReads, sessionIdOf } from "./record-cache.js";

/**
 * Pub/sub loses whatever is published while a subscriber is disconnected, so an instance whose
 * subscription drops must flush its record cache and stop caching until it is subscribed again.
 * Here the end is written straight into Redis with no announcement at all: only the flush can
 * keep B from serving the session it cached.
 */
const newFleet = fleetsOnSharedRedis();
let admin: Redis | undefined;
afterEach(async () => {
  if (!admin) return;
  await admin.acl("SETUSER", "default", "allchannels");
  admin.disconnect();
  admin = undefined;
});

async function setup() {
  const reads = recordReads();
  const fleet = await newFleet({ wrapStore: reads.wrap });
  const [a, b] = fleet.instances as [Instance, Instance];
  admin = new Redis(String(fleet.config.redis?.url));
  return { fleet, a, b, reads, redis: admin };
}

/** Whether B answers a request for `jar` from its cache (no store read). */
async function servedFromCache(b: Instance, reads: ReturnType<typeof recordReads>, jar: CookieJar) {
  expect((await api(b.app, jar, "/api/session/state")).json().authenticated).toBe(true);
  const before = reads.of(1);
  expect((await api(b.app, jar, "/api/session/state")).json().authenticated).toBe(true);
  return reads.of(1) === before;
}

/** The session ended behind every instance's back: its record deleted, nothing published. */
async function endSilently(fleet: Fleet, redis: Redis, jar: CookieJar): Promise<void> {
  expect(await redis.del(`${fleet.keyPrefix}${sessionKeys.record(sessionIdOf(jar))}`)).toBe(1);
}

async function expectRefusedOn(b: Instance, jar: CookieJar, round: number): Promise<void> {
  const state = (await api(b.app, jar, "/api/session/state")).json().authenticated;
  expect(`round ${round}: ${state}`).toBe(`round ${round}: false`);
  const me = (await api(b.app, jar, "/api/me")).statusCode;
  expect(`round ${round}: ${me}`).toBe(`round ${round}: 401`);
}

describe("record cache over Redis when the pub/sub subscription drops", () => {
  it("flushes B's cache the moment its subscriber is killed: a session ended meanwhile is refused (10 rounds)", async () => {
    const { fleet, a, b, reads, redis } = await setup();
    for (let round = 0; round < 10; round++) {
      const jar = await signIn(a.app, fleet.emulator, ADELE);
      // The subscription is (back) up: B caches again.
      await until(() => servedFromCache(b, reads, jar), "B to cache the session");
      const killed = Number(await redis.client("KILL", "TYPE", "pubsub"));
      // B's subscriber at least (it was caching, so subscribed); A's too once it is back.
      expect(killed).toBeGreaterThanOrEqual(1);
      await endSilently(fleet, redis, jar);
      await expectRefusedOn(b, jar, round);
    }
  }, 60_000);

  it("caches nothing while the subscription cannot be restored, and caches again once it is", async () => {
    const { fleet, a, b, reads, redis } = await setup();
    // A refused resubscription is handled (and retried at the next reconnect), never left to
    // end the process as an unhandled rejection.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    onTestFinished(() => void process.off("unhandledRejection", onUnhandled));
    const jar = await signIn(a.app, fleet.emulator, ADELE);
    await until(() => servedFromCache(b, reads, jar), "B to cache the session");

    // No channel may be subscribed to any more: Redis drops the subscribers and refuses them again.
    await redis.acl("SETUSER", "default", "resetchannels");
    await until(async () => {
      const clients = String(await redis.call("CLIENT", "LIST", "TYPE", "pubsub"));
      return clients.trim() === "";
    }, "the subscribers to be dropped");
    // Both instances reconnect and try to subscribe again, in vain.
    await until(async () => {
      const clients = String(await redis.call("CLIENT", "LIST", "TYPE", "normal"));
      return clients.match(/ cmd=subscribe /g)?.length === 2;
    }, "the instances to try to subscribe again");
    // Every request reads the store, however often it comes…
    for (let i = 0; i < 10; i++) {
      expect(await servedFromCache(b, reads, jar)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // …so an end nobody could announce is seen at once.
    await endSilently(fleet, redis, jar);
    await expectRefusedOn(b, jar, 0);

    // Subscriptions allowed again; the instances' connections come back and subscribe.
    await redis.acl("SETUSER", "default", "allchannels");
    await redis.client("KILL", "TYPE", "normal", "SKIPME", "yes");
    const again = await until(() => signIn(a.app, fleet.emulator, ADELE), "A's store to reconnect");
    await until(() => servedFromCache(b, reads, again), "B to cache again once resubscribed");
    // And the announcements flow again: a sign-out on A reaches B's warm cache.
    const out = await a.app.inject({
      method: "POST",
      url: "/logout",
      headers: { "x-csrf": "1", cookie: again.header() },
    });
    expect(out.statusCode).toBe(200);
    await expectRefusedOn(b, again, 1);
    expect(unhandled).toEqual([]);
  }, 60_000);
});
