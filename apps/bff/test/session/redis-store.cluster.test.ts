import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../src/session/redis-store.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { describeKeyValueStoreContract } from "./kv-store.contract.js";

// Three masters, no replicas: the smallest Redis Cluster, built with Debian's redis-cli.
let nodes: RedisServer[] = [];

beforeAll(async () => {
  nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startRedisServer({ args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"] }),
    ),
  );
  await promisify(execFile)("redis-cli", [
    "--cluster",
    "create",
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    "--cluster-yes",
  ]);
}, 30_000);
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

function seedUrl(): string {
  const seed = nodes[0];
  if (!seed) throw new Error("the cluster did not start");
  return seed.url;
}

describeKeyValueStoreContract("redis cluster", () =>
  createRedisStore({ url: seedUrl(), cluster: true, keyPrefix: `cluster:${randomUUID()}:` }),
);

describe("createRedisStore with cluster: true", () => {
  it("spreads keys over several masters and counts them on all of them", async () => {
    const keyPrefix = `spread:${randomUUID()}:`;
    const store = createRedisStore({ url: seedUrl(), cluster: true, keyPrefix });
    try {
      for (let i = 0; i < 30; i++) await store.set(`sess:${i}`, String(i), 60_000);
      const perNode = await Promise.all(
        nodes.map(async (n) => {
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
});
