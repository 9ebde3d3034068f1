import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../src/session/redis-store.js";
import { SessionIndex } from "../../src/user-sessions/session-index.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { fakeSessions, silentBroadcast } from "./index-sessions.js";

/**
 * The session index's memory budget (issue 17): at most 200 bytes a session, in the memory store's
 * heap and in Redis (`MEMORY USAGE` of every index key). A byte count, not a timing: asserting it
 * is stable. Measured at 10 000 sessions, one and three per user (one per user is the worst
 * case), each with its own IdP `sid`. The index has a fixed part (at most 2 × 1024 small buckets),
 * so it is also checked per added session between 5 000 and 10 000.
 */
const BUDGET = 200;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const CHILD = fileURLToPath(new URL("./index-heap.child.ts", import.meta.url));

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** Heap the memory store's index holds per session, from a child process run with --expose-gc. */
async function heapPerSession(users: number, perUser: number): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", TSX, CHILD, String(users), String(perUser)],
    { timeout: 60_000 },
  );
  return (JSON.parse(stdout) as { bytesPerSession: number }).bytesPerSession;
}

/** Fills a fresh key prefix; returns MEMORY USAGE of all its keys and the server's used_memory. */
async function redisBytes(users: number, perUser: number): Promise<{ usage: number; used: number }> {
  await redis.flushall();
  const usedMemory = async () => Number((await redis.info("memory")).match(/used_memory:(\d+)/)?.[1]);
  // Made first: a connection attempt waiting behind this synchronous work could time out.
  const sessions = fakeSessions(users, perUser);
  const store = createRedisStore({ url: server.url, keyPrefix: "mem:" });
  const index = new SessionIndex({ kv: store, events: silentBroadcast, tombstoneMs: 1 });
  try {
    await store.ping();
    const before = await usedMemory();
    for (let i = 0; i < sessions.length; i += 500) {
      await Promise.all(sessions.slice(i, i + 500).map(({ id, auth }) => index.put(id, auth, 3_600_000)));
    }
    const used = (await usedMemory()) - before;
    const keys = await redis.keys("mem:*");
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory("USAGE", key, "SAMPLES", 0);
    const results = (await pipeline.exec()) ?? [];
    const usage = results.reduce((sum, [, bytes]) => sum + Number(bytes), 0);
    return { usage, used };
  } finally {
    await store.close();
  }
}

describe("the session index's memory", () => {
  it("memory store: at most 200 heap bytes a session (10 000 users × 1, 3 334 users × 3)", async () => {
    // Two child processes side by side: each needs its own clean heap anyway.
    const configurations = [
      [10_000, 1],
      [3_334, 3],
    ] as const;
    const results = await Promise.all(
      configurations.map(([users, perUser]) => heapPerSession(users, perUser)),
    );
    configurations.forEach(([users, perUser], i) => {
      const perSession = results[i] as number;
      console.log(
        `session index, memory store heap: ${perSession.toFixed(0)} B/session (${users} users × ${perUser})`,
      );
      expect(perSession).toBeGreaterThan(0);
      expect(perSession).toBeLessThanOrEqual(BUDGET);
    });
  });

  it.each([
    [10_000, 1],
    [3_334, 3],
  ])("redis: at most 200 bytes a session, MEMORY USAGE (%i users × %i)", async (users, perUser) => {
    const { usage, used } = await redisBytes(users, perUser);
    const n = users * perUser;
    console.log(
      `session index, redis: MEMORY USAGE ${(usage / n).toFixed(0)} B/session, used_memory ${(used / n).toFixed(0)} B/session (${users} users × ${perUser})`,
    );
    expect(usage / n).toBeGreaterThan(0);
    expect(usage / n).toBeLessThanOrEqual(BUDGET);
  });

  it("redis: each session added past 5 000 costs at most 200 bytes (the buckets are a fixed part)", async () => {
    const small = await redisBytes(5_000, 1);
    const large = await redisBytes(10_000, 1);
    const marginal = (large.usage - small.usage) / 5_000;
    console.log(`session index, redis: ${marginal.toFixed(0)} B per added session (MEMORY USAGE)`);
    expect(marginal).toBeGreaterThan(0);
    expect(marginal).toBeLessThanOrEqual(BUDGET);
  });
});
