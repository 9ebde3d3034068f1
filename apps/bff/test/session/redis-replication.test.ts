import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../src/session/redis-store.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";

// Deletes wait for a replica only when one exists; the Sentinel tests cover the waiting itself.
let server: RedisServer;

beforeAll(async () => {
  // An app user allowed everything but ROLE, as a hardened ACL (-@admin) would have it.
  server = await startRedisServer({
    args: ["--user", "app", "on", ">app-password", "~*", "&*", "+@all", "-role"],
  });
});
afterAll(async () => {
  await server?.stop();
});

describe("deletes on a Redis without replicas", () => {
  it("are acknowledged without waiting for a replica that does not exist", async () => {
    const store = createRedisStore({
      url: server.url,
      keyPrefix: `plain:${randomUUID()}:`,
      replicaAckTimeoutMs: 60_000,
    });
    try {
      await store.set("sess:a", "v", 60_000);
      // With a 60 s WAIT the test would time out if the store waited for a replica.
      await store.delete("sess:a");
      expect(await store.get("sess:a")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("still work for an ACL user that may not run ROLE", async () => {
    const url = `redis://app:app-password@127.0.0.1:${server.port}`;
    const store = createRedisStore({ url, keyPrefix: `acl:${randomUUID()}:` });
    try {
      await store.set("sess:a", "v", 60_000);
      await expect(store.delete("sess:a")).resolves.toBeUndefined();
      expect(await store.get("sess:a")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("refuses a replica wait of 0 ms, which Redis would take as forever", () => {
    expect(() => createRedisStore({ url: server.url, replicaAckTimeoutMs: 0 })).toThrow(
      /replicaAckTimeoutMs/,
    );
  });
});
