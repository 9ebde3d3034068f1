import { digest } from "../user-sessions/digest.js";
import type { SessionAuth } from "./session-data.js";

/**
 * A short-lived in-process cache of parsed session records, so a burst of `/api/*` calls of one
 * session costs one store read a second instead of one each (a Redis round trip and a JSON parse).
 *
 * It can never serve a session that ended or changed, because:
 * - an entry lives at most `ttlMs` (1 s by default);
 * - every write and end invalidates it: locally at once, on other instances through Redis pub/sub
 *   (`invalidateHandle`, by the session's handle, never its id);
 * - a read that overlapped an invalidation is not cached (a per-read ticket the invalidation voids);
 * - while the pub/sub connection is down, messages may be lost: the cache is flushed and stays off
 *   (`setEnabled(false)`) until the subscription is back.
 * Without Redis (one process, the memory store) it is off: there is no round trip to save.
 */
export interface SessionRecordCache {
  /** The cached record of `id`, if fresh. */
  get(id: string): SessionAuth | undefined;
  /** A ticket for a store read about to start; `set` only caches if nothing invalidated it since. */
  ticket(id: string): object;
  set(id: string, auth: SessionAuth, ticket: object): void;
  invalidate(id: string): void;
  /** Invalidation from another instance, which names sessions by handle (`digest(id)`). */
  invalidateHandle(handle: string): void;
  /** Flushes everything and, when disabled, caches nothing until enabled again. */
  setEnabled(enabled: boolean): void;
  readonly size: number;
  /** Stops the sweep of stale entries. */
  close(): void;
}

interface Entry {
  auth?: SessionAuth;
  /** Monotonic ms after which the entry is stale. */
  until: number;
  handle?: string;
  ticket?: object;
}

export interface SessionRecordCacheOptions {
  /** Lifetime of an entry; 0 turns the cache off. At most 1000 ms. */
  ttlMs?: number;
  maxEntries?: number;
  /** Monotonic clock in ms (performance.now by default). */
  clock?: () => number;
}

export const SESSION_CACHE_TTL_MS = 1000;

export function createSessionRecordCache(options: SessionRecordCacheOptions = {}): SessionRecordCache {
  const ttlMs = Math.min(options.ttlMs ?? SESSION_CACHE_TTL_MS, SESSION_CACHE_TTL_MS);
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  const idByHandle = new Map<string, string>();
  let enabled = ttlMs > 0;

  const remove = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    if (entry.handle) idByHandle.delete(entry.handle);
  };
  const flush = () => {
    entries.clear();
    idByHandle.clear();
  };
  // Entries of sessions nobody asks for again (idle, expired) do not linger.
  const sweep = () => {
    const now = clock();
    for (const [id, entry] of entries) if (entry.auth && now >= entry.until) remove(id);
  };
  const sweeper = ttlMs > 0 ? setInterval(sweep, 5 * ttlMs) : undefined;
  sweeper?.unref();

  return {
    get(id) {
      const entry = entries.get(id);
      if (!entry?.auth) return undefined;
      if (clock() < entry.until) return entry.auth;
      remove(id);
      return undefined;
    },
    ticket(id) {
      const ticket = {};
      if (!enabled) return ticket;
      remove(id);
      // Oldest first: Map keeps insertion order.
      if (entries.size >= maxEntries) remove(entries.keys().next().value as string);
      // Known by handle from the start: another instance's end or touch names the session by
      // handle, and must void a read already in flight, not only a copy already cached.
      const handle = digest(id);
      entries.set(id, { until: 0, ticket, handle });
      idByHandle.set(handle, id);
      return ticket;
    },
    set(id, auth, ticket) {
      const entry = entries.get(id);
      if (!enabled || !entry || entry.ticket !== ticket) return;
      entries.set(id, { auth, until: clock() + ttlMs, handle: entry.handle });
    },
    invalidate: remove,
    invalidateHandle(handle) {
      const id = idByHandle.get(handle);
      if (id !== undefined) remove(id);
    },
    setEnabled(on) {
      flush();
      enabled = on && ttlMs > 0;
    },
    get size() {
      return entries.size;
    },
    close() {
      clearInterval(sweeper);
      flush();
    },
  };
}

/** The cache that is always empty: no Redis, nothing to save. */
export const noSessionRecordCache: SessionRecordCache = createSessionRecordCache({ ttlMs: 0 });
