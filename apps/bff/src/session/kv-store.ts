/**
 * The one storage contract every piece of server-side state sits on: sessions, pre-login
 * records, per-session MSAL token caches and refresh locks. Implemented in memory (default)
 * and over Redis; `test/session/kv-store.contract.ts` is the suite both must pass.
 *
 * Operations on several keys (`setUnlessTombstoned`, `deleteWithTombstone`) need keys that share
 * one Redis hash tag (`{…}`), so they run as one script on Redis Cluster too.
 *
 * Every operation may reject with `StoreUnavailableError` when the backing service cannot be
 * reached: callers fail closed (503), never fall back to another store.
 */
export interface KeyValueStore {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<string | undefined>;
  /** Writes `value`, which expires by itself after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically reads and deletes: the single-use read behind pre-login records. */
  take(key: string): Promise<string | undefined>;
  /** Writes only if the key is absent (a lock): true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes only if the key still holds `value` (releases a lock this owner holds). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Overwrites only a key that still exists (SET XX): true when written; never creates one. */
  update(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Moves the expiry of a key that exists (PEXPIRE): never creates it or changes its value. */
  extend(key: string, ttlMs: number): Promise<boolean>;
  /** Writes unless `tombstone` exists (its owner has ended): true when written. Same hash tag. */
  setUnlessTombstoned(key: string, value: string, ttlMs: number, tombstone: string): Promise<boolean>;
  /**
   * Deletes `keys` at once and, when any of them existed, writes `tombstone` for `tombstoneTtlMs`,
   * so late writes guarded by it cannot bring them back. Same hash tag for all.
   */
  deleteWithTombstone(keys: string[], tombstone: string, tombstoneTtlMs: number): Promise<void>;
  /**
   * Adds `namespace:id` to a namespace with its own budget of `cap` live records, apart from every
   * other key: false, and nothing written, when the namespace is full. Never evicts anything.
   */
  addCapped(namespace: string, id: string, value: string, ttlMs: number, cap: number): Promise<boolean>;
  /** Reads a record of a capped namespace without taking it. */
  getCapped(namespace: string, id: string): Promise<string | undefined>;
  /** `take` for a record of a capped namespace: returns it once and frees its place. */
  takeCapped(namespace: string, id: string): Promise<string | undefined>;
  /**
   * Puts `member` into the expiring set `index` for `ttlMs` from now (the store's clock): each
   * member has its own expiry, and the index is gone once its last member expired. With
   * `extendOnly` a member already there only ever moves to a later expiry. Meant for many small
   * sets (buckets) of short members: 1–64 printable ASCII characters, no spaces.
   */
  indexPut(index: string, member: string, ttlMs: number, extendOnly?: boolean): Promise<void>;
  /** The live members of an index that start with `prefix` (all of them for ""). */
  indexList(index: string, prefix: string): Promise<string[]>;
  /** Removes every member that starts with one of `prefixes`; missing ones are no error. */
  indexRemove(index: string, prefixes: string[]): Promise<void>;
  /** Every live key (an index counts as one) whose name starts with `prefix` (ops, rare). */
  keys(prefix: string): Promise<string[]>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Number of live keys with this prefix (metrics, tests). May be approximate for Redis. */
  count(prefix: string): Promise<number>;
  close(): Promise<void>;
}

/** The backing store cannot be reached; the BFF answers 503 `session_store_unavailable`. */
export class StoreUnavailableError extends Error {
  readonly code = "session_store_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
