import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createRedisStore, parseRedisUrl, type RedisStoreOptions } from "../../src/session/redis-store.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { describeKeyValueStoreContract } from "./kv-store.contract.js";

let server: RedisServer;
const opened: KeyValueStore[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await server?.stop();
});

/** A store on the shared server with a prefix no other test uses; closed after the file. */
function openStore(options: Partial<RedisStoreOptions> = {}): KeyValueStore {
  const store = createRedisStore({ url: server.url, keyPrefix: `test:${randomUUID()}:`, ...options });
  opened.push(store);
  return store;
}

describeKeyValueStoreContract("redis", () =>
  createRedisStore({ url: server.url, keyPrefix: `contract:${randomUUID()}:` }),
);

describe("createRedisStore", () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(server.url);
  });
  afterAll(async () => {
    await raw.quit();
  });

  describe("keys in Redis", () => {
    it("prefixes every key with entra-bff: by default", async () => {
      const store = createRedisStore({ url: server.url });
      opened.push(store);
      const key = `sess:${randomUUID()}`;
      await store.set(key, "v", 60_000);
      expect(await raw.get(`entra-bff:${key}`)).toBe("v");
      await store.delete(key);
    });

    it("keeps two stores with different prefixes on one server apart", async () => {
      const a = openStore({ keyPrefix: `app-a:${randomUUID()}:` });
      const b = openStore({ keyPrefix: `app-b:${randomUUID()}:` });
      await a.set("sess:same", "from-a", 60_000);
      await b.set("sess:same", "from-b", 60_000);
      await b.set("sess:only-b", "x", 60_000);
      expect(await a.get("sess:same")).toBe("from-a");
      expect(await b.get("sess:same")).toBe("from-b");
      expect(await a.count("sess:")).toBe(1);
      expect(await b.count("sess:")).toBe(2);
      expect(await a.take("sess:only-b")).toBeUndefined();
      expect(await a.deleteIfEquals("sess:same", "from-b")).toBe(false);
      expect(await b.get("sess:same")).toBe("from-b");
      // The scripts with several keys (or a key count passed at call time) are prefixed too.
      await a.set("tc:{same}", "a", 60_000);
      await b.set("tc:{same}", "b", 60_000);
      await a.deleteWithTombstone(["tc:{same}"], "ended:{same}", 60_000);
      expect(await b.get("tc:{same}")).toBe("b");
      expect(await b.setUnlessTombstoned("tc:{same}", "b2", 60_000, "ended:{same}")).toBe(true);
      expect(await a.addCapped("login", "s", "a", 60_000, 1)).toBe(true);
      expect(await b.addCapped("login", "s", "b", 60_000, 1)).toBe(true);
      expect(await b.takeCapped("login", "s")).toBe("b");
    });

    it("treats glob characters in the key prefix literally when counting", async () => {
      const id = randomUUID();
      const star = openStore({ keyPrefix: `glob:${id}:*` });
      const plain = openStore({ keyPrefix: `glob:${id}:x` });
      await plain.set("sess:1", "v", 60_000);
      expect(await star.count("sess:")).toBe(0);
    });

    it("lets Redis itself expire keys (PX), so every instance sees one lifetime", async () => {
      const prefix = `ttl:${randomUUID()}:`;
      const store = openStore({ keyPrefix: prefix });
      await store.set("sess:a", "v", 30_000);
      await store.setIfAbsent("lock:refresh:a", "owner", 5_000);
      const sessionTtl = await raw.pttl(`${prefix}sess:a`);
      const lockTtl = await raw.pttl(`${prefix}lock:refresh:a`);
      expect(sessionTtl).toBeGreaterThan(25_000);
      expect(sessionTtl).toBeLessThanOrEqual(30_000);
      expect(lockTtl).toBeGreaterThan(0);
      expect(lockTtl).toBeLessThanOrEqual(5_000);
    });

    it("selects the database named in the URL path", async () => {
      const prefix = `db:${randomUUID()}:`;
      const store = openStore({ url: `${server.url}/3`, keyPrefix: prefix });
      await store.set("sess:a", "in-db-3", 60_000);
      expect(await raw.get(`${prefix}sess:a`)).toBeNull();
      const db3 = new Redis(`${server.url}/3`);
      try {
        expect(await db3.get(`${prefix}sess:a`)).toBe("in-db-3");
      } finally {
        await db3.quit();
      }
    });
  });

  describe("atomicity across instances", () => {
    it("hands a pre-login record to exactly one of 100 takers spread over 4 connections", async () => {
      const keyPrefix = `race:${randomUUID()}:`;
      const stores = Array.from({ length: 4 }, () => openStore({ keyPrefix }));
      await stores[0]?.set("login:state", "record", 60_000);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => stores[i % 4]?.take("login:state")),
      );
      expect(results.filter((r) => r !== undefined)).toEqual(["record"]);
    });

    it("gives a refresh lock to exactly one of 40 contenders spread over 4 connections", async () => {
      const keyPrefix = `race:${randomUUID()}:`;
      const stores = Array.from({ length: 4 }, () => openStore({ keyPrefix }));
      const won = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stores[i % 4]?.setIfAbsent("lock:refresh:s", `o${i}`, 60_000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = won.indexOf(true);
      expect(await stores[1]?.deleteIfEquals("lock:refresh:s", `o${(winner + 1) % 40}`)).toBe(false);
      expect(await stores[2]?.deleteIfEquals("lock:refresh:s", `o${winner}`)).toBe(true);
    });
  });

  describe("bad options", () => {
    it.each([
      ["http://127.0.0.1:6379", /redis:\/\/ or rediss:\/\//],
      ["not a url", /not a valid URL/],
      ["redis://127.0.0.1:6379/abc", /database/],
    ])("refuses %s with a clear error", (url, message) => {
      expect(() => createRedisStore({ url })).toThrow(message);
    });

    it("never repeats a password from a malformed URL in its error", () => {
      expect(() => createRedisStore({ url: "redis://user:hunter2-secret@/0" })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining("hunter2-secret") }),
      );
      expect(() => createRedisStore({ url: "ftp://user:hunter2-secret@host" })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining("hunter2-secret") }),
      );
    });

    it("refuses a non-positive command timeout", () => {
      expect(() => createRedisStore({ url: server.url, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    });

    it("refuses Sentinel nodes without the master's name", () => {
      expect(() =>
        createRedisStore({ url: "redis://ignored", sentinels: [{ host: "127.0.0.1", port: 26379 }] }),
      ).toThrow(/sentinelMasterName/);
    });
  });
});

describe("parseRedisUrl", () => {
  it("reads host, port, db, TLS and percent-encoded credentials, and redacts them", () => {
    expect(parseRedisUrl("rediss://alice:p%40ss%3Aw%2Frd@cache.example.net:6380/2")).toEqual({
      host: "cache.example.net",
      port: 6380,
      username: "alice",
      password: "p@ss:w/rd",
      db: 2,
      tls: true,
      redacted: "rediss://cache.example.net:6380/2",
    });
  });

  it("defaults to port 6379, database 0, no credentials and no TLS", () => {
    expect(parseRedisUrl("redis://redis")).toMatchObject({
      host: "redis",
      port: 6379,
      db: 0,
      username: undefined,
      password: undefined,
      tls: false,
    });
  });

  it("takes a password without a username (redis://:password@host)", () => {
    expect(parseRedisUrl("redis://:only-pw@redis:6379")).toMatchObject({
      username: undefined,
      password: "only-pw",
    });
  });

  it("unwraps IPv6 hosts", () => {
    expect(parseRedisUrl("redis://[::1]:7000").host).toBe("::1");
  });
});
