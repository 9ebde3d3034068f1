import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createStore } from "../../src/app.js";
import { type AppConfig, loadConfig } from "../../src/config.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { sentinelSetupForFile } from "../helpers/redis-sentinel.js";
import { describeKeyValueStoreContract } from "./kv-store.contract.js";

// One master, one replica, three sentinels (quorum 2), every one of them with a password.
const setup = sentinelSetupForFile();

/** The BFF's own store, built from REDIS_SENTINELS & co. the way server.ts builds it. */
function storeFromEnv(env: Record<string, string> = {}): KeyValueStore {
  const config = loadConfig({
    SESSION_SECRET: "x".repeat(40),
    ...setup().env,
    REDIS_KEY_PREFIX: `sentinel-${randomUUID()}:`,
    ...env,
  }) as AppConfig;
  return createStore(config);
}

describeKeyValueStoreContract("redis sentinel from REDIS_SENTINELS", () => storeFromEnv());

describe("a store configured with REDIS_SENTINELS", () => {
  it("writes to the master the sentinels name, and the replica follows", async () => {
    const keyPrefix = `where-${randomUUID()}:`;
    const store = storeFromEnv({ REDIS_KEY_PREFIX: keyPrefix });
    const master = new Redis(setup().master.url);
    const replica = new Redis(setup().replica.url);
    try {
      await store.set("sess:a", "on-the-master", 60_000);
      expect(await master.get(`${keyPrefix}sess:a`)).toBe("on-the-master");
      // delete() returns only once a replica has the delete too (WAIT), so no polling is needed.
      await store.set("sess:b", "x", 60_000);
      await store.delete("sess:b");
      expect(await replica.exists(`${keyPrefix}sess:b`)).toBe(0);
    } finally {
      master.disconnect();
      replica.disconnect();
      await store.close();
    }
  });

  // Signing out ends a session with deleteWithTombstone; delete forgets any other key.
  const endings = {
    delete: (store: KeyValueStore, id: string) => store.delete(`sess:{${id}}`),
    deleteWithTombstone: (store: KeyValueStore, id: string) =>
      store.deleteWithTombstone([`sess:{${id}}`], `ended:{${id}}`, 60_000),
  };

  it.each(Object.keys(endings) as Array<keyof typeof endings>)(
    "refuses to acknowledge a %s no replica has confirmed, and confirms it once one does",
    async (ending) => {
      const store = storeFromEnv();
      const id = randomUUID();
      try {
        await store.set(`sess:{${id}}`, "v", 60_000);
        // A replica that is connected but does not answer: the master still counts it as attached.
        setup().replica.pause();
        try {
          await expect(endings[ending](store, id)).rejects.toMatchObject({
            code: "session_store_unavailable",
            message: expect.stringMatching(/no replica confirmed the delete/),
          });
        } finally {
          setup().replica.resume();
        }
        await expect(endings[ending](store, id)).resolves.toBeUndefined();
        expect(await store.get(`sess:{${id}}`)).toBeUndefined();
      } finally {
        await store.close();
      }
    },
  );

  it("fails closed, without repeating a password, when the sentinel password is wrong", async () => {
    const store = storeFromEnv({ REDIS_SENTINEL_PASSWORD: "wrong-sentinel-secret" });
    try {
      const failure = store.get("sess:x");
      await expect(failure).rejects.toMatchObject({ code: "session_store_unavailable" });
      await expect(failure).rejects.not.toThrow(/wrong-sentinel-secret|data-node-password/);
    } finally {
      await store.close();
    }
  });

  it("fails closed when the sentinels do not know the master's name", async () => {
    const store = storeFromEnv({ REDIS_SENTINEL_NAME: "no-such-master" });
    try {
      await expect(store.ping()).rejects.toMatchObject({ code: "session_store_unavailable" });
    } finally {
      await store.close();
    }
  });
});
