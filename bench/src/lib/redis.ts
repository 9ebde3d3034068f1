import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type Child, spawnChild } from "./child.js";
import { freePort } from "./ports.js";

const REDIS_SERVER = "/usr/bin/redis-server";

export interface RedisInstance {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/** Why Redis targets cannot run here, or undefined when they can. */
export function redisUnavailableReason(): string | undefined {
  return existsSync(REDIS_SERVER)
    ? undefined
    : `${REDIS_SERVER} not installed (apt-get install redis-server)`;
}

/** Starts a throwaway redis-server on a free loopback port, no persistence, in a temp dir. */
export async function startRedis(): Promise<RedisInstance> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bench-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  const child = await spawnChild({
    name: "redis-server",
    command: REDIS_SERVER,
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    ready: async () => {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on("error", () => {}); // refused until redis-server is up: that is what we poll for
      try {
        await client.connect();
        return (await client.ping()) === "PONG";
      } finally {
        client.disconnect();
      }
    },
    timeoutMs: 10_000,
  });
  return {
    url,
    child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
