import { Cluster, type Redis } from "ioredis";
import type { KeyValueStore } from "./kv-store.js";
import { capOf, indexMemberOf, ttlToMs } from "./limits.js";
import { connectRedis, type RedisConnectionOptions } from "./redis-connection.js";
import { unavailable } from "./redis-errors.js";
import { confirmOnReplica } from "./redis-replication.js";
import { cappedKeys, type ScriptedCommands, scripts } from "./redis-scripts.js";

export type { RedisNode, RedisStoreLogger } from "./redis-connection.js";
export { type ParsedRedisUrl, parseRedisUrl } from "./redis-url.js";

export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * How long a delete waits for a replica to confirm it (WAIT) when the master has replicas.
   * Default half the command timeout.
   */
  replicaAckTimeoutMs?: number;
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
  const connection = connectRedis(options);
  const { keyPrefix, target } = connection;
  const client = connection.client as StoreClient;
  for (const [name, definition] of Object.entries(scripts)) client.defineCommand(name, definition);
  const replicaAckTimeout = Math.ceil(options.replicaAckTimeoutMs ?? connection.commandTimeoutMs / 2);
  // WAIT with 0 would block forever.
  if (!(replicaAckTimeout >= 1)) {
    throw new RangeError(
      `replicaAckTimeoutMs must be a positive number (got ${options.replicaAckTimeoutMs})`,
    );
  }

  /** Runs one command; any failure becomes a StoreUnavailableError without secrets. */
  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      await connection.firstConnection;
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
      await run("delete", async () => {
        await client.del(key);
        await confirmOnReplica(client, key, replicaAckTimeout);
      });
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
    async extend(key, ttlMs) {
      const ttl = ttlToMs(ttlMs);
      return run("extend", async () => (await client.pexpire(key, ttl)) === 1);
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
      await run("deleteWithTombstone", async () => {
        await client.deleteWithTombstone(keys.length + 1, tombstone, ...keys, ttl);
        // Ends a session: acknowledged only once a replica has it. Same hash tag, same node.
        await confirmOnReplica(client, tombstone, replicaAckTimeout);
      });
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
    async indexPut(index, member, ttlMs, extendOnly = false) {
      const ttl = ttlToMs(ttlMs);
      const checked = indexMemberOf(member);
      await run("indexPut", () => client.indexPut(index, checked, ttl, extendOnly ? "GT" : ""));
    },
    indexList: (index, prefix) => run("indexList", () => client.indexList(index, prefix)),
    async indexRemove(index, prefixes) {
      if (prefixes.length === 0) return;
      await run("indexRemove", () => client.indexRemove(index, ...prefixes));
    },
    keys: (prefix) =>
      run("keys", async () => {
        const found = await scanKeys(client, escapeGlob(keyPrefix + prefix));
        return found.map((key) => key.slice(keyPrefix.length));
      }),
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

async function countKeys(client: Redis | Cluster, pattern: string): Promise<number> {
  return (await scanKeys(client, pattern)).length;
}

/** Every key matching `pattern` on every master (SCAN is per node on a Cluster). */
async function scanKeys(client: Redis | Cluster, pattern: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      // SCAN's MATCH pattern is not prefixed by ioredis: the pattern already carries keyPrefix.
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== "0");
  }
  return found;
}

/** Makes a literal prefix safe inside a SCAN MATCH glob. */
function escapeGlob(text: string): string {
  return `${text.replace(/[*?[\]\\]/g, "\\$&")}*`;
}
