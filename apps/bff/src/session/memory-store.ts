import { LRUCache } from "lru-cache";
import type { KeyValueStore } from "./kv-store.js";

export interface MemoryStoreOptions {
  /** Upper bound on live keys; the least recently used go first. */
  maxEntries?: number;
}

/**
 * In-process store for a single instance: bounded (LRU) and every entry with a TTL, so idle
 * sessions cannot grow memory without limit.
 * @see https://github.com/isaacs/node-lru-cache
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): KeyValueStore {
  const cache = new LRUCache<string, string>({
    max: options.maxEntries ?? 100_000,
    ttlAutopurge: false,
    allowStale: false,
  });
  // Expired entries are dropped lazily on read and by this sweep, so memory returns to baseline.
  const sweep = setInterval(() => cache.purgeStale(), 30_000);
  sweep.unref();

  return {
    kind: "memory",
    async get(key) {
      return cache.get(key);
    },
    async set(key, value, ttlMs) {
      cache.set(key, value, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    },
    async delete(key) {
      cache.delete(key);
    },
    async take(key) {
      const value = cache.get(key);
      if (value !== undefined) cache.delete(key);
      return value;
    },
    async setIfAbsent(key, value, ttlMs) {
      if (cache.has(key)) return false;
      cache.set(key, value, { ttl: Math.max(1, Math.ceil(ttlMs)) });
      return true;
    },
    async deleteIfEquals(key, value) {
      if (cache.get(key) !== value) return false;
      cache.delete(key);
      return true;
    },
    async ping() {},
    async count(prefix) {
      cache.purgeStale();
      let n = 0;
      for (const key of cache.keys()) if (key.startsWith(prefix)) n++;
      return n;
    },
    async close() {
      clearInterval(sweep);
      cache.clear();
    },
  };
}
