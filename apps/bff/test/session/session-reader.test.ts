import { afterEach, describe, expect, it } from "vitest";
import { cachedSigner } from "../../src/session/cached-signer.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { writeRecord } from "../../src/session/record-format.js";
import type { SessionAuth } from "../../src/session/session-data.js";
import { sessionKeys } from "../../src/session/session-keys.js";
import { createSessionReader } from "../../src/session/session-reader.js";
import { createSessionRecordCache, type SessionRecordCache } from "../../src/session/session-record-cache.js";
import { digest } from "../../src/user-sessions/digest.js";

const SECRET = "a-test-session-secret-that-is-long-enough-0123456789";
const ID = "a-session-id-of-the-reader-test-0123";
const auth = {
  cacheKey: ID,
  homeAccountId: "uid.utid",
  user: { name: "Adele Vance", username: "adele@contoso.test", oid: "o", tid: "t" },
  createdAt: Date.now(),
  lastSeenAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
} as SessionAuth;

let caches: SessionRecordCache[] = [];
afterEach(() => {
  for (const cache of caches) cache.close();
  caches = [];
});

async function readerWithCachedSession() {
  const kv = createMemoryStore();
  const signer = cachedSigner([SECRET]);
  const cache = createSessionRecordCache();
  caches.push(cache);
  const reader = createSessionReader({ kv, signer, cache });
  await kv.set(sessionKeys.record(ID), writeRecord("session", { auth }), 60_000);
  const cookie = signer.sign(ID);
  // The first load reads the store and caches the record.
  expect((await reader.load(cookie))?.auth).toEqual(auth);
  expect(cache.get(ID)).toBeDefined();
  return { kv, cache, reader, cookie };
}

describe("lean session reader and its record cache", () => {
  it("does not trust a cache hit before an invalidation already received in the same I/O batch runs", async () => {
    const { kv, cache, reader, cookie } = await readerWithCachedSession();
    // Another instance ended the session: the record is gone, and the announcement has arrived…
    await kv.delete(sessionKeys.record(ID));
    const load = reader.load(cookie);
    // …but its socket's callback runs after this request's, in the same poll phase.
    cache.invalidateHandle(digest(ID));
    expect(await load).toBeUndefined();
  });

  it("serves a cache hit that no invalidation touched, without reading the store", async () => {
    const { kv, reader, cookie } = await readerWithCachedSession();
    let reads = 0;
    const get = kv.get.bind(kv);
    kv.get = (key) => {
      reads++;
      return get(key);
    };
    expect((await reader.load(cookie))?.auth).toEqual(auth);
    expect(reads).toBe(0);
  });

  it("does not cache what a store read returned after an invalidation of the session arrived", async () => {
    const { kv, cache, reader, cookie } = await readerWithCachedSession();
    cache.invalidate(ID);
    const get = kv.get.bind(kv);
    // The store answers with the record as it was; the end is announced before the answer lands.
    kv.get = async (key) => {
      const value = await get(key);
      await kv.delete(key);
      cache.invalidateHandle(digest(ID));
      return value;
    };
    expect((await reader.load(cookie))?.auth).toEqual(auth);
    kv.get = get;
    expect(cache.get(ID)).toBeUndefined();
    expect(await reader.load(cookie)).toBeUndefined();
  });
});
