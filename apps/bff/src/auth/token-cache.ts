import { DistributedCachePlugin, type ICachePlugin } from "@azure/msal-node";
import type { KeyValueStore } from "../session/kv-store.js";
import { readRecord, writeRecord } from "../session/record-format.js";
import { sessionKeys } from "../session/session-keys.js";

/**
 * An MSAL cache plugin that keeps one session's token cache in the KV store under
 * `tc:{cacheKey}`, so every BFF instance can serve that session and no process holds
 * everybody's tokens in one shared cache. MSAL's write-back is dropped once the session has ended
 * (its tombstone), so a refresh that finishes after sign-out cannot put the tokens back.
 * @see https://learn.microsoft.com/entra/msal/javascript/node/caching#distributed-cache
 */
export function sessionCachePlugin(kv: KeyValueStore, cacheKey: string, ttlMs: number): ICachePlugin {
  const key = sessionKeys.tokenCache(cacheKey);
  const tombstone = sessionKeys.tombstone(cacheKey);
  return new DistributedCachePlugin(
    {
      async get() {
        // MSAL reads its own serialization: the cache without the record's version field.
        const cache = readRecord("token-cache", await kv.get(key));
        return cache ? JSON.stringify(cache) : "";
      },
      async set(_key, value) {
        const record = writeRecord("token-cache", JSON.parse(slimCache(value)) as object);
        await kv.setUnlessTombstoned(key, record, ttlMs, tombstone);
        return value;
      },
    },
    {
      async getKey() {
        return key;
      },
      async extractKey() {
        return key;
      },
    },
  );
}

/**
 * Drops the access and ID tokens from a serialized MSAL cache before it is stored: the BFF keeps
 * the access token under `at:` and the ID token's claims in the session record, and only asks MSAL
 * when a refresh is due, which needs just the account and the refresh token. Halves what an idle
 * session costs in memory or Redis.
 */
export function slimCache(serialized: string): string {
  try {
    const cache = JSON.parse(serialized) as Record<string, unknown>;
    return JSON.stringify({ ...cache, AccessToken: {}, IdToken: {} });
  } catch {
    return serialized;
  }
}
