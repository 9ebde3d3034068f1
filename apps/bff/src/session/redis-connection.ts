import type { ConnectionOptions as TlsOptions } from "node:tls";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { safeMessage } from "./redis-errors.js";
import { type ParsedRedisUrl, parseRedisUrl } from "./redis-url.js";

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

/** How to reach Redis: one server, a Cluster, or the master that Sentinels name. */
export interface RedisConnectionOptions {
  /**
   * `redis://[[username]:password@]host[:port][/db]` or `rediss://…` (TLS). Credentials may be
   * percent-encoded. With `cluster` it is one seed node. Optional with `sentinels`: then only its
   * credentials, database and TLS count (its host is ignored).
   */
  url?: string;
  /** Credentials of the master and replicas Sentinel names, when no `url` carries them. */
  username?: string;
  password?: string;
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
  /** The sentinels' own password (`requirepass` in sentinel.conf), if they have one. */
  sentinelPassword?: string;
  /** Redis Cluster: true to treat the URL host as a seed node, or extra seed nodes. */
  cluster?: boolean | { nodes: RedisNode[] };
  logger?: RedisStoreLogger;
}

export type RedisTopology = "single" | "cluster" | "sentinel";

/** A client that reconnects by itself, plus what the store needs to report failures safely. */
export interface RedisConnection {
  readonly client: Redis | Cluster;
  readonly topology: RedisTopology;
  readonly keyPrefix: string;
  /** Where the client connects, without credentials (`redacted`), and the password to scrub. */
  readonly target: ParsedRedisUrl;
  /** Settles when the first connection attempt ends (ready, failed or timed out). */
  readonly firstConnection: Promise<void>;
  /** The last connection error, so "not connected" failures can say why. */
  readonly lastError: string | undefined;
  readonly commandTimeoutMs: number;
}

interface Tuning {
  keyPrefix: string;
  commandTimeout: number;
  connectTimeout: number;
  maxDelay: number;
}

export function topologyOf(options: Pick<RedisConnectionOptions, "cluster" | "sentinels">): RedisTopology {
  if (options.cluster) return "cluster";
  if (options.sentinels && options.sentinels.length > 0) return "sentinel";
  return "single";
}

/**
 * Builds the ioredis client for the configured topology, failing closed and fast: no offline
 * queue, no retried commands, a command timeout. It reconnects by itself with backoff (and asks
 * the sentinels again after a failover), so service resumes without a restart.
 * @see https://github.com/redis/ioredis
 */
export function connectRedis(options: RedisConnectionOptions): RedisConnection {
  const topology = topologyOf(options);
  const target = targetOf(options, topology);
  const tuning: Tuning = {
    keyPrefix: options.keyPrefix ?? "entra-bff:",
    commandTimeout: positive(options.commandTimeoutMs ?? 1000, "commandTimeoutMs"),
    connectTimeout: positive(options.connectTimeoutMs ?? 2000, "connectTimeoutMs"),
    maxDelay: positive(options.maxReconnectDelayMs ?? 2000, "maxReconnectDelayMs"),
  };
  const client = connect(options, topology, target, tuning);
  const state = watchConnection(client, target, options.logger);
  return {
    client,
    topology,
    keyPrefix: tuning.keyPrefix,
    target,
    firstConnection: firstReady(client, tuning.connectTimeout),
    get lastError() {
      return state.lastError;
    },
    commandTimeoutMs: tuning.commandTimeout,
  };
}

/** Where to connect and with which credentials, whatever the topology. */
function targetOf(options: RedisConnectionOptions, topology: RedisTopology): ParsedRedisUrl {
  if (topology !== "sentinel") {
    if (!options.url) throw new Error("Redis needs a redis:// or rediss:// URL (url)");
    return parseRedisUrl(options.url);
  }
  if (!options.sentinelMasterName) {
    throw new Error("Redis Sentinel needs the master's name (sentinelMasterName)");
  }
  const sentinels = (options.sentinels ?? []).map((node) => `${node.host}:${node.port}`).join(",");
  const fromUrl = options.url ? parseRedisUrl(options.url) : undefined;
  return {
    host: options.sentinelMasterName,
    port: 0,
    username: fromUrl?.username ?? options.username,
    password: fromUrl?.password ?? options.password,
    db: fromUrl?.db ?? 0,
    tls: fromUrl?.tls ?? false,
    redacted: `sentinel master "${options.sentinelMasterName}" via ${sentinels}`,
  };
}

function connect(
  options: RedisConnectionOptions,
  topology: RedisTopology,
  target: ParsedRedisUrl,
  tuning: Tuning,
): Redis | Cluster {
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

  if (topology === "cluster") {
    const seeds = [{ host: target.host, port: target.port }];
    if (typeof options.cluster === "object") seeds.push(...options.cluster.nodes);
    return new Cluster(seeds, {
      keyPrefix: tuning.keyPrefix,
      enableOfflineQueue: false,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, tuning.maxDelay),
      // Cluster mode has only database 0.
      redisOptions: { ...common, db: 0 },
    });
  }

  if (topology === "sentinel") {
    return new Redis({
      ...common,
      keyPrefix: tuning.keyPrefix,
      sentinels: options.sentinels,
      name: target.host,
      sentinelPassword: options.sentinelPassword,
      sentinelCommandTimeout: tuning.connectTimeout,
      sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, tuning.maxDelay),
      // No failoverDetector: in ioredis 5 a "+switch-master" that arrives while the client asks a
      // sentinel ends the client for good (seen in test/scale/sentinel-failover.test.ts). Without
      // it, a demoted master's READONLY answer or a dropped connection makes it ask again.
      enableTLSForSentinelMode: target.tls,
    });
  }

  return new Redis({ ...common, host: target.host, port: target.port, keyPrefix: tuning.keyPrefix });
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

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds (got ${value})`);
  }
  return value;
}
