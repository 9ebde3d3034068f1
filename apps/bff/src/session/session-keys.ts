import type { KeyValueStore } from "./kv-store.js";

/**
 * Every key of one signed-in session, named by its id inside one Redis hash tag (`{id}`), so the
 * multi-key scripts that end a session and guard late writes run on Redis Cluster too. The id is
 * the session id (the signed cookie carries it) and names the MSAL token cache, the shared access
 * token and the refresh lock.
 */
export const sessionKeys = {
  record: (id: string) => `sess:{${id}}`,
  tokenCache: (id: string) => `tc:{${id}}`,
  /** The shared access token: Graph's, or with `resource` (a short hash) that of a declared API. */
  accessToken: (id: string, resource?: string) => (resource ? `at:{${id}}:${resource}` : `at:{${id}}`),
  /** Roles and groups from the latest refreshed ID token (authz/session-authorization.ts). */
  authorization: (id: string) => `authz:{${id}}`,
  refreshLock: (id: string) => `lock:refresh:{${id}}`,
  tombstone: (id: string) => `ended:{${id}}`,
};

/** Prefix of session records, for counting active sessions. */
export const SESSION_KEY_PREFIX = "sess:";

/**
 * How long an ended session's tombstone blocks late writes: longer than any request that was in
 * flight when it ended can take (a refresh waits ≤ 20 s for the lock, then ≤ IDP_TIMEOUT_MS).
 */
export function tombstoneTtlMs(idpTimeoutMs: number): number {
  return Math.max(10 * 60_000, 3 * idpTimeoutMs);
}

/**
 * Ends a session in the store: its record, token cache and shared access token go in one atomic
 * step that leaves a tombstone, so no write still in flight (a touch, a refresh's write-back) on
 * any instance can bring any of them back.
 */
export function endSessionKeys(
  kv: KeyValueStore,
  id: string,
  tombstoneMs: number,
  resources: readonly string[] = [],
): Promise<void> {
  const keys = [
    sessionKeys.record(id),
    sessionKeys.tokenCache(id),
    sessionKeys.accessToken(id),
    sessionKeys.authorization(id),
    ...resources.map((resource) => sessionKeys.accessToken(id, resource)),
  ];
  return kv.deleteWithTombstone(keys, sessionKeys.tombstone(id), tombstoneMs);
}
