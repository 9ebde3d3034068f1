import type { ConnectionOptions as TlsOptions } from "node:tls";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { KeyValueStore } from "./kv-store.js";
import { capOf, ttlToMs } from "./limits.js";
import { safeMessage, unavailable } from "./redis-errors.js";
import { cappedKeys, type ScriptedCommands, scripts } from "./redis-scripts.js";
import { type ParsedRedisUrl, parseRedisUrl } from "./redis-url.js";

export { type ParsedRedisUrl, parseRedisUrl } from "./redis-url.js";

/** A Redis host and port (Sentinel or Cluster seed node). */
export interface RedisNode {
  host: string;
  port: number;
}

/** Minimal pino-compatible logger: the store reports connection changes, never keys or values. */
export interface RedisStoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RedisStoreOptions {
  /**
   * `redis://[[username]:password@]host[:port][/db]` or `rediss://…` (TLS). Credentials may be
   * percent-encoded. With `sentinels` the host is ignored; with `cluster` it is one seed node.
   */
  url: string;
  /** Prepended to every key, so several apps can share one Redis. Default `entra-bff:`. */
  keyPrefix?: string;
  /** How long one connection attempt may take. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails with StoreUnavailableError. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts (they back off up to this). Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /** Extra TLS options for `rediss://` (e.g. `ca` for a private CA). */
  tls?: TlsOptions;
  /** Redis Sentinel: the sentinels to ask for the master named `sentinelMasterName`. */
  sentinels?: RedisNode[];
  sentinelMasterName?: string;
  /** Redis Cluster: true to treat the URL host as a seed node, or extra seed nodes. */
  cluster?: boolean | { nodes: RedisNode[] };
  logger?: RedisStoreLogger;
}

type StoreClient = (Redis | Cluster) & ScriptedCommands;

/**
 * A `KeyValueStore` over Redis (ioredis) that fails closed and fast: no offline queue, no
 * retried commands, a command timeout; every failure rejects with `StoreUnavailableError`.
 * The client reconnects by itself with backoff, so service resumes when Redis returns.
 * Keys expire server-side (SET PX), so every instance sees the same lifetimes.
 * @see https://github.com/redis/ioredis
 */
export function createRedisStore(options: RedisStoreOptions): KeyValueStore {
  const target = parseRedisUrl(options.url);
  const keyPrefix = options.keyPrefix ?? "entra-bff:";
  const commandTimeout = positive(options.commandTimeoutMs ?? 1000, "commandTimeoutMs");
  const connectTimeout = positive(options.connectTimeoutMs ?? 2000, "connectTimeoutMs");
  const maxDelay = positive(options.maxReconnectDelayMs ?? 2000, "maxReconnectDelayMs");
  const client = connect(options, target, { keyPrefix, commandTimeout, connectTimeout, maxDelay });
  for (const [name, definition] of Object.entries(scripts)) client.defineCommand(name, definition);
  const connection = watchConnection(client, target, options.logger);
  const firstConnection = firstReady(client, connectTimeout);

  /** Runs one command; any failure becomes a StoreUnavailableError without secrets. */
  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      await firstConnection;
      return await command();
    } catch (error) {
      throw unavailable(operation, error, target, connection.lastError);
    }
  }

  let closed = false;
  return {
    kind: "redis",
    get: (key) => run("get", async () => (await client.get(key)) ?? undefined),
    async set(key, value, ttlMs) {
      const ttl = ttlToMs(ttlMs);
      await run("set", () => client.set(key, value, "PX", ttl));
    },
    async delete(key) {
      await run("delete", () => client.del(key));
    },
    take: (key) => run("take", async () => (await client.getdel(key)) ?? undefined),
    async setIfAbsent(key, value, ttlMs) {
      const ttl = ttlToMs(ttlMs);
      return run("setIfAbsent", async () => (await client.set(key, value, "PX", ttl, "NX")) === "OK");
    },
    deleteIfEquals: (key, value) =>
      run("deleteIfEquals", async () => (await client.deleteIfEquals(key, value)) === 1),
    async update(key, value, ttlMs) {
      const ttl = ttlToMs(ttlMs);
      return run("update", async () => (await client.set(key, value, "PX", ttl, "XX")) === "OK");
    },
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      const ttl = ttlToMs(ttlMs);
      return run(
        "setUnlessTombstoned",
        async () => (await client.setUnlessTombstoned(key, tombstone, value, ttl)) === 1,
      );
    },
    async deleteWithTombstone(keys, tombstone, tombstoneTtlMs) {
      const ttl = ttlToMs(tombstoneTtlMs);
      await run("deleteWithTombstone", () =>
        client.deleteWithTombstone(keys.length + 1, tombstone, ...keys, ttl),
      );
    },
    async addCapped(namespace, id, value, ttlMs, cap) {
      const ttl = ttlToMs(ttlMs);
      const limit = capOf(cap);
      const { index, record } = cappedKeys(namespace, id);
      return run(
        "addCapped",
        async () => (await client.addCapped(index, record, id, value, ttl, limit)) === 1,
      );
    },
    getCapped: (namespace, id) =>
      run("getCapped", async () => (await client.get(cappedKeys(namespace, id).record)) ?? undefined),
    takeCapped(namespace, id) {
      const { index, record } = cappedKeys(namespace, id);
      return run("takeCapped", async () => (await client.takeCapped(index, record, id)) ?? undefined);
    },
    async ping() {
      await run("ping", () => client.ping());
    },
    count: (prefix) => run("count", () => countKeys(client, escapeGlob(keyPrefix + prefix))),
    async close() {
      if (closed) return;
      closed = true;
      if (client.status === "ready") {
        try {
          await client.quit();
          return;
        } catch {
          // Fall through: the connection is going away anyway.
        }
      }
      client.disconnect();
    },
  };
}

interface Tuning {
  keyPrefix: string;
  commandTimeout: number;
  connectTimeout: number;
  maxDelay: number;
}

function connect(options: RedisStoreOptions, target: ParsedRedisUrl, tuning: Tuning): StoreClient {
  const common: RedisOptions = {
    username: target.username,
    password: target.password,
    db: target.db,
    tls: target.tls ? { servername: target.host, ...options.tls } : undefined,
    connectTimeout: tuning.connectTimeout,
    commandTimeout: tuning.commandTimeout,
    // Fail closed: a command issued while disconnected rejects at once instead of queueing,
    // and an in-flight command is never replayed after a reconnect (GETDEL is not idempotent).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Never give up reconnecting: when Redis returns, service resumes without a restart.
    retryStrategy: (attempt) => Math.min(attempt * 100, tuning.maxDelay),
    // A replica promoted away from under us answers READONLY: reconnect to find the master.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
  };

  if (options.cluster) {
    const seeds = [{ host: target.host, port: target.port }];
    if (typeof options.cluster === "object") seeds.push(...options.cluster.nodes);
    return new Cluster(seeds, {
      keyPrefix: tuning.keyPrefix,
      enableOfflineQueue: false,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, tuning.maxDelay),
      // Cluster mode has only database 0.
      redisOptions: { ...common, db: 0 },
    }) as StoreClient;
  }

  if (options.sentinels && options.sentinels.length > 0) {
    if (!options.sentinelMasterName) {
      throw new Error("Redis Sentinel needs the master's name (sentinelMasterName)");
    }
    return new Redis({
      ...common,
      keyPrefix: tuning.keyPrefix,
      sentinels: options.sentinels,
      name: options.sentinelMasterName,
      sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, tuning.maxDelay),
      enableTLSForSentinelMode: target.tls,
    }) as StoreClient;
  }

  return new Redis({
    ...common,
    host: target.host,
    port: target.port,
    keyPrefix: tuning.keyPrefix,
  }) as StoreClient;
}

/**
 * Settles when the first connection attempt ends (ready, failed or timed out), so the requests
 * that arrive while the app starts wait for it instead of failing; later outages fail at once.
 */
function firstReady(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      client.off("end", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once("ready", done);
    client.once("error", done);
    client.once("end", done);
  });
}

/**
 * Logs each change of connection state once, not every failed reconnection attempt, and keeps
 * the last connection error so "not connected" failures can say why.
 */
function watchConnection(
  client: Redis | Cluster,
  target: ParsedRedisUrl,
  logger?: RedisStoreLogger,
): { readonly lastError: string | undefined } {
  const state: { lastError: string | undefined } = { lastError: undefined };
  let healthy: boolean | undefined;
  const down = (reason: string) => {
    state.lastError = reason;
    if (healthy === false) return;
    healthy = false;
    logger?.warn({ redis: target.redacted, reason }, "session store unreachable; failing closed");
  };
  // Without an "error" listener ioredis prints every connection error to the console.
  client.on("error", (error: unknown) => down(safeMessage(error, target)));
  client.on("close", () => down(state.lastError ?? "connection closed"));
  client.on("ready", () => {
    state.lastError = undefined;
    if (healthy === true) return;
    const recovered = healthy === false;
    healthy = true;
    logger?.info(
      { redis: target.redacted },
      recovered ? "session store reconnected" : "session store connected",
    );
  });
  return state;
}

async function countKeys(client: Redis | Cluster, pattern: string): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  let total = 0;
  for (const node of nodes) {
    let cursor = "0";
    do {
      // SCAN's MATCH pattern is not prefixed by ioredis: the pattern already carries keyPrefix.
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      total += keys.length;
    } while (cursor !== "0");
  }
  return total;
}

/** Makes a literal prefix safe inside a SCAN MATCH glob. */
function escapeGlob(text: string): string {
  return `${text.replace(/[*?[\]\\]/g, "\\$&")}*`;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds (got ${value})`);
  }
  return value;
}
