import { DistributedCachePlugin, type ICachePlugin } from "@azure/msal-node";
import type { KeyValueStore } from "../session/kv-store.js";

export const TOKEN_CACHE_PREFIX = "tc:";

/**
 * An MSAL cache plugin that keeps one session's token cache in the KV store under
 * `tc:{cacheKey}`, so every BFF instance can serve that session and no process holds
 * everybody's tokens in one shared cache.
 * @see https://learn.microsoft.com/entra/msal/javascript/node/caching#distributed-cache
 */
export function sessionCachePlugin(kv: KeyValueStore, cacheKey: string, ttlMs: number): ICachePlugin {
  const key = TOKEN_CACHE_PREFIX + cacheKey;
  return new DistributedCachePlugin(
    {
      async get() {
        return (await kv.get(key)) ?? "";
      },
      async set(_key, value) {
        await kv.set(key, value, ttlMs);
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
