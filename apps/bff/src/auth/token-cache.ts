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
 * The account fields MSAL needs to find the account and redeem its refresh token: those
 * msal-node's cache requires of an account entity (msal-common `isAccountEntity`), from which it
 * rebuilds the home tenant profile (`getAccountInfo`). Name, client_info and tenant profiles are
 * rewritten from the next ID token a refresh brings.
 */
const ACCOUNT_FIELDS = [
  "home_account_id",
  "environment",
  "realm",
  "local_account_id",
  "username",
  "authority_type",
] as const;

/**
 * What of a serialized MSAL cache is stored: the account (only the fields above) and the refresh
 * token, in MSAL's own serialization, so every reader — the previous release too — deserializes it
 * as is. The BFF keeps the access token under `at:` and the ID token's claims in the session
 * record, and only asks MSAL when a refresh is due. A third of what it was (the refresh token
 * dominates what is left).
 */
export function slimCache(serialized: string): string {
  let cache: Record<string, unknown>;
  try {
    cache = JSON.parse(serialized) as Record<string, unknown>;
  } catch {
    return serialized;
  }
  if (typeof cache !== "object" || cache === null) return serialized;
  const accounts: Record<string, Record<string, unknown>> = {};
  for (const [key, account] of Object.entries(asRecord(cache.Account))) {
    const entity = asRecord(account);
    accounts[key] = Object.fromEntries(
      ACCOUNT_FIELDS.filter((field) => field in entity).map((field) => [field, entity[field]]),
    );
  }
  const appMetadata = asRecord(cache.AppMetadata);
  return JSON.stringify({
    Account: accounts,
    RefreshToken: asRecord(cache.RefreshToken),
    // A family (FOCI) client's metadata, when there is any.
    ...(Object.keys(appMetadata).length > 0 ? { AppMetadata: appMetadata } : {}),
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
