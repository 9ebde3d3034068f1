import { CappedMap } from "./capped-map.js";
import { ExpiringLru } from "./expiring-lru.js";
import type { KeyValueStore } from "./kv-store.js";
import { capOf, indexMemberOf, ttlToMs } from "./limits.js";
import { MemoryIndexes } from "./memory-index.js";

/** 100 000 active sessions (record, token cache, access token) with room for roles, locks and tombstones. */
export const DEFAULT_MEMORY_STORE_MAX_KEYS = 400_000;

export interface MemoryStoreOptions {
  /**
   * Upper bound on keys; the least recently used go first. Default 400 000: 100 000 active
   * sessions (record, token cache, access token) with room for roles, locks and tombstones.
   * Nothing is allocated for it up front.
   */
  maxEntries?: number;
  /** How often expired entries are swept out without being read. Default 30 000 ms. */
  sweepIntervalMs?: number;
  /** The clock of the keys' TTLs (tests pass Date.now to move it with fake dates). Default performance.now. */
  now?: () => number;
}

/** The memory store, plus its raw entry count (expired entries included until swept). */
export interface MemoryKeyValueStore extends KeyValueStore {
  readonly kind: "memory";
  readonly size: number;
}

/**
 * In-process store for a single instance: bounded (LRU) and every entry with a TTL, so idle
 * sessions cannot grow memory without limit. Capped namespaces (pre-login records) live in maps
 * of their own that refuse instead of evict, so anonymous traffic never pushes a session out.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryKeyValueStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_STORE_MAX_KEYS;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a whole number ≥ 1 (got ${maxEntries})`);
  }
  const sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
  if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs <= 0) {
    throw new RangeError(`sweepIntervalMs must be a positive number (got ${sweepIntervalMs})`);
  }
  const cache = new ExpiringLru(maxEntries, options.now);
  const capped = new Map<string, CappedMap>();
  const namespace = (name: string) => {
    const map = capped.get(name) ?? new CappedMap();
    capped.set(name, map);
    return map;
  };
  const indexes = new MemoryIndexes();
  // Expired entries are dropped lazily on read and by this sweep, so memory returns to baseline.
  const sweep = setInterval(() => {
    cache.purgeStale();
    indexes.purge();
    for (const map of capped.values()) map.purge();
  }, sweepIntervalMs);
  sweep.unref();

  return {
    kind: "memory",
    get size() {
      return cache.size;
    },
    async get(key) {
      return cache.get(key);
    },
    async set(key, value, ttlMs) {
      cache.set(key, value, ttlToMs(ttlMs));
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
      const ttl = ttlToMs(ttlMs);
      if (cache.has(key)) return false;
      cache.set(key, value, ttl);
      return true;
    },
    async deleteIfEquals(key, value) {
      if (cache.get(key) !== value) return false;
      cache.delete(key);
      return true;
    },
    async update(key, value, ttlMs) {
      const ttl = ttlToMs(ttlMs);
      if (!cache.has(key)) return false;
      cache.set(key, value, ttl);
      return true;
    },
    async extend(key, ttlMs) {
      return cache.extend(key, ttlToMs(ttlMs));
    },
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      const ttl = ttlToMs(ttlMs);
      if (cache.has(tombstone)) return false;
      cache.set(key, value, ttl);
      return true;
    },
    async deleteWithTombstone(keys, tombstone, tombstoneTtlMs) {
      const ttl = ttlToMs(tombstoneTtlMs);
      let existed = false;
      for (const key of keys) existed = cache.delete(key) || existed;
      if (existed) cache.set(tombstone, "1", ttl);
    },
    async addCapped(name, id, value, ttlMs, cap) {
      return namespace(name).add(`${name}:${id}`, value, ttlToMs(ttlMs), capOf(cap));
    },
    async getCapped(name, id) {
      return capped.get(name)?.get(`${name}:${id}`);
    },
    async takeCapped(name, id) {
      return capped.get(name)?.take(`${name}:${id}`);
    },
    async indexPut(index, member, ttlMs, extendOnly = false) {
      indexes.put(index, indexMemberOf(member), ttlToMs(ttlMs), extendOnly);
    },
    async indexList(index, prefix) {
      return indexes.list(index, prefix);
    },
    async indexRemove(index, prefixes) {
      if (prefixes.length > 0) indexes.remove(index, prefixes);
    },
    async keys(prefix) {
      cache.purgeStale();
      const names = [...cache.keys()].filter((key) => key.startsWith(prefix));
      return [...names, ...indexes.keys(prefix)];
    },
    async ping() {},
    async count(prefix) {
      cache.purgeStale();
      let n = indexes.keys(prefix).length;
      for (const key of cache.keys()) if (key.startsWith(prefix)) n++;
      for (const map of capped.values()) for (const key of map.keys()) if (key.startsWith(prefix)) n++;
      return n;
    },
    async close() {
      clearInterval(sweep);
      cache.clear();
      indexes.clear();
      for (const map of capped.values()) map.clear();
    },
  };
}
