import { afterEach, describe, expect, it } from "vitest";
import type { SessionAuth } from "../../src/session/session-data.js";
import {
  createSessionRecordCache,
  SESSION_CACHE_TTL_MS,
  type SessionRecordCache,
  type SessionRecordCacheOptions,
} from "../../src/session/session-record-cache.js";
import { digest } from "../../src/user-sessions/digest.js";

const auth = (lastSeenAt = 1): SessionAuth =>
  ({ cacheKey: "k", expiresAt: 10_000_000, lastSeenAt, user: { name: "Adele" } }) as unknown as SessionAuth;

let open: SessionRecordCache[] = [];
afterEach(() => {
  for (const cache of open) cache.close();
  open = [];
});

/** A cache on a clock the test moves by hand. */
function cacheAt(options: SessionRecordCacheOptions = {}) {
  const clock = { now: 1_000 };
  const cache = createSessionRecordCache({ clock: () => clock.now, ...options });
  open.push(cache);
  /** A store read of `id` that completes now, as the reader does it: ticket, then set. */
  const read = (id: string, value = auth()) => cache.set(id, value, cache.ticket(id));
  return { cache, clock, read };
}

describe("session record cache", () => {
  it("serves an entry until its TTL has passed, then never again", () => {
    const { cache, clock, read } = cacheAt({ ttlMs: 500 });
    const value = auth(7);
    read("s1", value);
    expect(cache.get("s1")).toBe(value);
    clock.now += 499;
    expect(cache.get("s1")).toBe(value);
    clock.now += 1;
    expect(cache.get("s1")).toBeUndefined();
    // An expired entry is gone, not merely hidden: moving the clock back does not revive it.
    clock.now -= 100;
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("never keeps an entry longer than 1000 ms, whatever TTL it is given", () => {
    const { cache, clock, read } = cacheAt({ ttlMs: 60_000 });
    read("s1");
    clock.now += SESSION_CACHE_TTL_MS - 1;
    expect(cache.get("s1")).toBeDefined();
    clock.now += 1;
    expect(cache.get("s1")).toBeUndefined();
    expect(SESSION_CACHE_TTL_MS).toBeLessThanOrEqual(1000);
  });

  it("caches nothing with a TTL of 0", () => {
    const { cache, read } = cacheAt({ ttlMs: 0 });
    read("s1");
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("does not cache a read that overlapped invalidate(id): its ticket is void", () => {
    const { cache } = cacheAt();
    const ticket = cache.ticket("s1");
    // The session ends (or is touched) while the store read is in flight.
    cache.invalidate("s1");
    cache.set("s1", auth(), ticket);
    expect(cache.get("s1")).toBeUndefined();
  });

  it("does not cache a read that overlapped invalidateHandle(handle) of a cached session", () => {
    const { cache, read } = cacheAt();
    read("s1", auth(1));
    const ticket = cache.ticket("s1");
    // Another instance announces the end by handle while this read is in flight.
    cache.invalidateHandle(digest("s1"));
    cache.set("s1", auth(1), ticket);
    expect(cache.get("s1")).toBeUndefined();
  });

  it("does not cache a first read (nothing cached yet) that overlapped invalidateHandle(handle)", () => {
    const { cache } = cacheAt();
    // The usual case: no copy cached (first request, or the last one expired), a read in flight,
    // and another instance's end or touch of this session arrives by handle meanwhile.
    const ticket = cache.ticket("s1");
    cache.invalidateHandle(digest("s1"));
    cache.set("s1", auth(), ticket);
    expect(cache.get("s1")).toBeUndefined();
  });

  it("does not cache a read whose ticket a newer read replaced", () => {
    const { cache } = cacheAt();
    const older = cache.ticket("s1");
    const newer = cache.ticket("s1");
    cache.set("s1", auth(1), older);
    expect(cache.get("s1")).toBeUndefined();
    cache.set("s1", auth(2), newer);
    expect(cache.get("s1")?.lastSeenAt).toBe(2);
  });

  it("drops a cached entry on invalidateHandle of its digest, and only that one", () => {
    const { cache, read } = cacheAt();
    read("s1");
    read("s2");
    cache.invalidateHandle(digest("s1"));
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.get("s2")).toBeDefined();
    // The id itself is not a handle: announcements never carry ids.
    cache.invalidateHandle("s2");
    expect(cache.get("s2")).toBeDefined();
  });

  it("setEnabled(false) flushes everything and caches nothing until enabled again", () => {
    const { cache, read } = cacheAt();
    read("s1");
    const inFlight = cache.ticket("s2");
    cache.setEnabled(false);
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.size).toBe(0);
    // Neither a read that started before the drop nor one that started after is cached.
    cache.set("s2", auth(), inFlight);
    read("s3");
    expect(cache.get("s2")).toBeUndefined();
    expect(cache.get("s3")).toBeUndefined();
    expect(cache.size).toBe(0);

    cache.setEnabled(true);
    // A read that started while disabled is still not cached once enabled again.
    cache.set("s2", auth(), inFlight);
    expect(cache.get("s2")).toBeUndefined();
    read("s4");
    expect(cache.get("s4")).toBeDefined();
  });

  it("setEnabled(true) flushes too: what was cached before a reconnect is not trusted after it", () => {
    const { cache, read } = cacheAt();
    read("s1");
    cache.setEnabled(true);
    expect(cache.get("s1")).toBeUndefined();
  });

  it("evicts the oldest entry beyond maxEntries, and its handle with it", () => {
    const { cache, read } = cacheAt({ maxEntries: 3 });
    for (const id of ["s1", "s2", "s3", "s4"]) read(id);
    expect(cache.size).toBe(3);
    expect(cache.get("s1")).toBeUndefined();
    for (const id of ["s2", "s3", "s4"]) expect(cache.get(id)).toBeDefined();
    // Re-reading s1 evicts s2 (now the oldest); an invalidation of the evicted s1 handle is harmless.
    read("s1");
    expect(cache.get("s2")).toBeUndefined();
    cache.invalidateHandle(digest("s2"));
    expect(cache.size).toBe(3);
    cache.invalidateHandle(digest("s1"));
    expect(cache.get("s1")).toBeUndefined();
  });

  it("never grows beyond maxEntries under many distinct sessions", () => {
    const { cache, read } = cacheAt({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) read(`s${i}`);
    expect(cache.size).toBe(100);
    expect(cache.get("s999")).toBeDefined();
    expect(cache.get("s899")).toBeUndefined();
  });

  it("close() empties it", () => {
    const { cache, read } = cacheAt();
    read("s1");
    cache.close();
    expect(cache.size).toBe(0);
    expect(cache.get("s1")).toBeUndefined();
  });
});
