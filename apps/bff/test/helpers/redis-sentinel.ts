import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./free-port.js";
import { launch, type RedisServer, startRedisServer } from "./redis-server.js";
import { until } from "./until.js";

/**
 * One master, one replica and Debian's `redis-sentinel` watching them, everything with a password:
 * the smallest setup that can fail over. Sentinels decide quickly (down after 1 s) to keep tests fast.
 */
export interface SentinelSetup {
  masterName: string;
  /** The master and the replica as started; after a failover their roles are swapped. */
  master: RedisServer;
  replica: RedisServer;
  /** The data nodes' password (requirepass and masterauth). */
  password: string;
  /** The sentinels' own password (requirepass in sentinel.conf). */
  sentinelPassword: string;
  sentinelPorts: number[];
  /** The REDIS_* variables that point the BFF at this setup. */
  env: Record<string, string>;
  /** The master's port as the first answering sentinel names it. */
  masterPort(): Promise<number>;
  /** Asks a sentinel for a planned switchover (SENTINEL FAILOVER): the replica becomes master. */
  failover(): Promise<void>;
  /** The node that is master now, and the other one. */
  roles(): Promise<{ master: RedisServer; replica: RedisServer }>;
  /**
   * Resolves once every sentinel names `masterPort` as master and sees a healthy replica, so a
   * failover can start from here.
   */
  settled(masterPort: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelSetupOptions {
  /** Default 3. */
  sentinels?: number;
  /** Sentinels that must agree the master is down. Default 2. */
  quorum?: number;
}

const MASTER_NAME = "bffmaster";

/** For a test file: one Sentinel setup for the whole file. Returns the function that gets it. */
export function sentinelSetupForFile(): () => SentinelSetup {
  let setup: SentinelSetup | undefined;
  beforeAll(async () => {
    setup = await startSentinelSetup();
  }, 60_000);
  afterAll(async () => {
    await setup?.stop();
  });
  return () => {
    if (!setup) throw new Error("the Sentinel setup did not start");
    return setup;
  };
}

export async function startSentinelSetup(options: SentinelSetupOptions = {}): Promise<SentinelSetup> {
  const count = options.sentinels ?? 3;
  const quorum = options.quorum ?? 2;
  const password = "data-node-password-for-tests";
  const sentinelPassword = "sentinel-password-for-tests";
  const auth = ["--masterauth", password];
  const master = await startRedisServer({ password, args: auth });
  const replica = await startRedisServer({
    password,
    args: [...auth, "--replicaof", "127.0.0.1", String(master.port)],
  });
  await until(
    async () =>
      (await withClient(replica.port, password, (redis) => redis.info("replication"))).includes(
        "master_link_status:up",
      ),
    "the replica to sync with the master",
    10_000,
  );

  const dir = await mkdtemp(join(tmpdir(), "entra-bff-sentinel-"));
  const sentinels: ChildProcess[] = [];
  const sentinelPorts: number[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const file = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      file,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        "loglevel warning",
        `requirepass ${sentinelPassword}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} ${quorum}`,
        `sentinel auth-pass ${MASTER_NAME} ${password}`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 10000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        "",
      ].join("\n"),
    );
    sentinels.push(await launch([file], port, "redis-sentinel"));
    sentinelPorts.push(port);
  }
  // A failover needs sentinels that know the replica and each other (hello messages, ~2 s).
  const settled = (masterPort: number) => waitUntilSettled(sentinelPorts, sentinelPassword, masterPort);
  await settled(master.port);

  async function masterPort(): Promise<number> {
    for (const port of sentinelPorts) {
      const named = await withClient(port, sentinelPassword, masterOf).catch(() => undefined);
      if (named !== undefined) return named;
    }
    throw new Error("no sentinel answered");
  }

  return {
    masterName: MASTER_NAME,
    master,
    replica,
    password,
    sentinelPassword,
    sentinelPorts,
    env: {
      REDIS_SENTINELS: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(","),
      REDIS_SENTINEL_NAME: MASTER_NAME,
      REDIS_SENTINEL_PASSWORD: sentinelPassword,
      REDIS_PASSWORD: password,
    },
    masterPort,
    async failover() {
      await withClient(sentinelPorts[0] as number, sentinelPassword, (sentinel) =>
        sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME),
      );
    },
    async roles() {
      const port = await masterPort();
      return port === master.port ? { master, replica } : { master: replica, replica: master };
    },
    settled,
    async stop() {
      await Promise.all(
        sentinels.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, "exit");
          child.kill("SIGKILL");
          await exited;
        }),
      );
      await Promise.all([master.stop(), replica.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilSettled(ports: number[], password: string, masterPort: number): Promise<void> {
  for (const port of ports) {
    await until(
      () =>
        withClient(port, password, async (sentinel) => {
          const replicas = (await sentinel.call("SENTINEL", "replicas", MASTER_NAME)) as string[][];
          const peers = (await sentinel.call("SENTINEL", "sentinels", MASTER_NAME)) as unknown[];
          const healthy = replicas.filter((fields) => {
            const field = (name: string) => fields[fields.indexOf(name) + 1];
            return field("flags") === "slave" && field("master-link-status") === "ok";
          });
          const named = await masterOf(sentinel);
          return named === masterPort && healthy.length >= 1 && peers.length === ports.length - 1;
        }),
      `the sentinels to agree on master ${masterPort} with a healthy replica and know each other`,
      20_000,
    );
  }
}

async function masterOf(sentinel: Redis): Promise<number> {
  const [, port] = (await sentinel.call("SENTINEL", "get-master-addr-by-name", MASTER_NAME)) as string[];
  return Number(port);
}

/** Runs `use` with a short-lived connection to a sentinel or server on loopback. */
async function withClient<T>(port: number, password: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: "127.0.0.1",
    port,
    password,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
