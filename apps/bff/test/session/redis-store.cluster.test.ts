import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../src/app.js";
import { type AppConfig, loadConfig } from "../../src/config.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import { type RedisCluster, startRedisCluster } from "../helpers/redis-cluster.js";
import { describeKeyValueStoreContract } from "./kv-store.contract.js";

// Three masters that require a password, as a production Cluster would.
let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ password: "cluster-pass:w/rd" });
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
});

function seedUrl(): string {
  const seed = cluster?.nodes[0];
  if (!seed) throw new Error("the cluster did not start");
  return seed.url;
}

/** The BFF's own store, built from the environment the way server.ts builds it. */
function storeFromEnv(env: Record<string, string>) {
  const config = loadConfig({ SESSION_SECRET: "x".repeat(40), ...env }) as AppConfig;
  return createStore(config);
}

describeKeyValueStoreContract("redis cluster", () =>
  createRedisStore({ url: seedUrl(), cluster: true, keyPrefix: `cluster:${randomUUID()}:` }),
);

describeKeyValueStoreContract("redis cluster from REDIS_CLUSTER_NODES", () => {
  // Credentials once, in the first entry's URL form (percent-encoded); the other nodes bare.
  const [first, ...others] = cluster.addresses;
  return storeFromEnv({
    REDIS_CLUSTER_NODES: [`redis://:${encodeURIComponent("cluster-pass:w/rd")}@${first}`, ...others].join(
      ",",
    ),
    REDIS_KEY_PREFIX: `env-${randomUUID()}:`,
  });
});

describe("createRedisStore with cluster: true", () => {
  it("spreads keys over several masters and counts them on all of them", async () => {
    const keyPrefix = `spread:${randomUUID()}:`;
    const store = createRedisStore({ url: seedUrl(), cluster: true, keyPrefix });
    try {
      for (let i = 0; i < 30; i++) await store.set(`sess:${i}`, String(i), 60_000);
      const perNode = await Promise.all(
        cluster.nodes.map(async (n) => {
          const raw = new Redis(n.url);
          try {
            return (await raw.keys(`${keyPrefix}*`)).length;
          } finally {
            raw.disconnect();
          }
        }),
      );
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await store.count("sess:")).toBe(30);
    } finally {
      await store.close();
    }
  });

  it("reaches the Cluster from one bare seed and REDIS_PASSWORD, discovering the other masters", async () => {
    const store = storeFromEnv({
      REDIS_CLUSTER_NODES: cluster.addresses[1] as string,
      REDIS_PASSWORD: "cluster-pass:w/rd",
      REDIS_KEY_PREFIX: `seed-${randomUUID()}:`,
    });
    try {
      for (let i = 0; i < 10; i++) await store.set(`sess:${i}`, "v", 60_000);
      expect(await store.count("sess:")).toBe(10);
    } finally {
      await store.close();
    }
  });

  it("fails closed with StoreUnavailableError when the password is wrong", async () => {
    const store = storeFromEnv({
      REDIS_CLUSTER_NODES: cluster.addresses.join(","),
      REDIS_PASSWORD: "not-the-cluster-password",
    });
    try {
      const failure = store.set("sess:x", "v", 60_000);
      await expect(failure).rejects.toMatchObject({ code: "session_store_unavailable" });
      await expect(failure).rejects.not.toThrow(/not-the-cluster-password/);
    } finally {
      await store.close();
    }
  });
});
