import { randomBytes } from "node:crypto";
import { AuthError, InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import type { FastifyBaseLogger } from "fastify";
import { LRUCache } from "lru-cache";
import { AppError, ReauthRequiredError, SessionEndedError } from "../errors.js";
import type { KeyValueStore } from "../session/kv-store.js";
import { readRecord, writeRecord } from "../session/record-format.js";
import { endSessionKeys, sessionKeys } from "../session/session-keys.js";
import { sharedTokenIdleMs } from "../session/shared-token-window.js";
import { parseAadstsCode } from "./aadsts.js";
import { GRAPH_SCOPES, type MsalClientFactory } from "./msal-client.js";
import { interactionNeeded, isDeadGrant } from "./refresh-errors.js";
import { sessionCachePlugin } from "./token-cache.js";

/** An access token with its expiry; lives only on the server. */
export interface CachedAccessToken {
  accessToken: string;
  expiresOnMs: number;
}

/**
 * A declared API's resource: `id` is a short stable name of the resource (it names the shared
 * token and lock keys), `scopes` are exactly that API's scopes (one resource per token).
 */
export interface ResourceRequest {
  id: string;
  scopes: string[];
}

/** The parts of a session the token service needs. */
export interface TokenOwner {
  /** The session id: names the session's token cache, shared token, lock and tombstone. */
  cacheKey: string;
  homeAccountId: string;
}

export interface TokenServiceOptions {
  kv: KeyValueStore;
  /** Resolves the MSAL client factory (waits for IdP metadata). */
  msal: () => Promise<MsalClientFactory>;
  /** TTL of a session's token cache: the session's idle timeout. */
  cacheTtlMs: number;
  /**
   * How long an access token is kept (shared and in process) after its last use or session touch.
   * Default: sharedTokenIdleMs(cacheTtlMs), five touch intervals.
   */
  tokenIdleMs?: number;
  log: FastifyBaseLogger;
  /** A token with less left than this is refreshed. Default 5 min (MSAL's own renewal offset). */
  renewBeforeMs?: number;
  /** How long a cross-instance refresh lock lives if its owner dies. */
  lockTtlMs?: number;
  /** How long an ended session's tombstone blocks late writes. Default 10 min. */
  tombstoneTtlMs?: number;
  maxHotEntries?: number;
  /** The ids of every declared API's resource, whose shared tokens go when a session ends. */
  resourceIds?: readonly string[];
  /** Told about every refresh-token redemption MSAL attempted (metrics). */
  onRefresh?: (result: "success" | "failure") => void;
  /**
   * Given the ID token that came back with a refresh, before the new access token is used
   * (roles and groups are re-read from it). Throwing fails the refresh.
   */
  onIdToken?: (owner: TokenOwner, idToken: string) => Promise<void>;
}

/**
 * Serves the Graph access token of a session.
 * Hot path: an in-process LRU of tokens with more than `renewBeforeMs` left (no store access).
 * Cold path: single-flight per session, in process (a map of promises) and across instances
 * (a KV lock), so a rotating refresh token is never redeemed twice; the winner runs MSAL's
 * acquireTokenSilent over the session's own token cache and shares the result under `at:`.
 * Every write is refused once the session has ended (its tombstone), on any instance: a refresh
 * that was in flight during sign-out neither writes its tokens back nor keeps them hot.
 */
export class TokenService {
  readonly #hot: LRUCache<string, CachedAccessToken>;
  readonly #inflight = new Map<string, Promise<CachedAccessToken>>();
  readonly #o: Required<TokenServiceOptions>;

  constructor(options: TokenServiceOptions) {
    this.#o = {
      renewBeforeMs: 5 * 60_000,
      lockTtlMs: 10_000,
      tombstoneTtlMs: 10 * 60_000,
      maxHotEntries: 50_000,
      onRefresh: () => {},
      onIdToken: async () => {},
      resourceIds: [],
      tokenIdleMs: sharedTokenIdleMs(options.cacheTtlMs),
      ...options,
    };
    // Each hit restarts an entry's idle time: a session in use keeps its token in process.
    this.#hot = new LRUCache({ max: this.#o.maxHotEntries, updateAgeOnGet: true, ttlResolution: 0 });
  }

  /**
   * The session's access token for Graph, or for `resource` (a declared API: same refresh token,
   * a token per resource). `rejected`: a token the API refused (401); it is never returned again
   * and forces a refresh.
   */
  async getAccessToken(owner: TokenOwner, rejected?: string, resource?: ResourceRequest): Promise<string> {
    const hotKey = resource ? `${owner.cacheKey} ${resource.id}` : owner.cacheKey;
    const hot = this.#hot.get(hotKey);
    if (hot && hot.accessToken !== rejected && this.#fresh(hot)) return hot.accessToken;

    let flight = this.#inflight.get(hotKey);
    if (!flight) {
      flight = this.#acquire(owner, rejected, resource).finally(() => this.#inflight.delete(hotKey));
      this.#inflight.set(hotKey, flight);
    }
    const token = await flight;
    if (token.accessToken === rejected) return this.getAccessToken(owner, rejected, resource);
    return token.accessToken;
  }

  /** Records a token obtained at sign-in so the first API call needs no store round trip. */
  async remember(cacheKey: string, token: CachedAccessToken): Promise<void> {
    if (await this.#share(cacheKey, undefined, token)) this.#keepHot(cacheKey, token);
  }

  /** Forgets everything held for a session (hot entry, shared token, token cache) for good. */
  async forget(cacheKey: string): Promise<void> {
    this.#hot.delete(cacheKey);
    for (const id of this.#o.resourceIds) this.#hot.delete(`${cacheKey} ${id}`);
    await endSessionKeys(this.#o.kv, cacheKey, this.#o.tombstoneTtlMs, this.#o.resourceIds);
  }

  /** Drops expired in-process copies (lru-cache only notices expiry when an entry is read). */
  purgeExpired(): void {
    this.#hot.purgeStale();
  }

  /** Drops the in-process copy only (another instance may have ended the session). */
  dropHot(cacheKey: string): void {
    this.#hot.delete(cacheKey);
    for (const id of this.#o.resourceIds) this.#hot.delete(`${cacheKey} ${id}`);
  }

  /**
   * The in-process copy lives no longer than the token, nor than `tokenIdleMs` unused, so neither
   * ended nor idle sessions pin memory.
   */
  #keepHot(cacheKey: string, token: CachedAccessToken): void {
    const ttl = this.#retention(token);
    if (ttl > 0) this.#hot.set(cacheKey, token, { ttl });
  }

  /** How long to keep `token` from now: until it expires, at most `tokenIdleMs`. */
  #retention(token: CachedAccessToken): number {
    return Math.min(token.expiresOnMs - Date.now(), this.#o.tokenIdleMs);
  }

  #fresh(token: CachedAccessToken): boolean {
    return token.expiresOnMs - Date.now() > this.#o.renewBeforeMs;
  }

  async #acquire(
    owner: TokenOwner,
    rejected: string | undefined,
    resource: ResourceRequest | undefined,
  ): Promise<CachedAccessToken> {
    const { kv, lockTtlMs } = this.#o;
    const hotKey = resource ? `${owner.cacheKey} ${resource.id}` : owner.cacheKey;
    // One lock per session, whatever the resource: every refresh redeems the session's one
    // (rotating) refresh token, which must never be redeemed twice.
    const lockKey = sessionKeys.refreshLock(owner.cacheKey);
    const lockOwner = randomBytes(16).toString("base64url");
    const deadline = Date.now() + lockTtlMs * 2;
    let delayMs = 20;
    for (;;) {
      const shared = await this.#readShared(owner.cacheKey, resource?.id);
      if (shared && shared.accessToken !== rejected && this.#fresh(shared)) {
        this.#keepHot(hotKey, shared);
        return shared;
      }
      if (await kv.setIfAbsent(lockKey, lockOwner, lockTtlMs)) break;
      // Another instance is refreshing this session: wait for its result instead of redeeming the
      // same refresh token a second time.
      if (Date.now() > deadline) {
        throw new ReauthRequiredError("timed out waiting for another instance to refresh the token");
      }
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 200);
    }
    try {
      const token = await this.#silent(owner, rejected !== undefined, resource);
      // Ended while MSAL was refreshing: the token is neither shared, kept nor used.
      if (!(await this.#share(owner.cacheKey, resource?.id, token))) throw new SessionEndedError();
      this.#keepHot(hotKey, token);
      return token;
    } finally {
      await kv.deleteIfEquals(lockKey, lockOwner).catch(() => {});
    }
  }

  async #silent(
    owner: TokenOwner,
    forceRefresh: boolean,
    resource: ResourceRequest | undefined,
  ): Promise<CachedAccessToken> {
    const factory = await this.#o.msal();
    const client = factory(sessionCachePlugin(this.#o.kv, owner.cacheKey, this.#o.cacheTtlMs));
    const account = await client.getTokenCache().getAccountByHomeId(owner.homeAccountId);
    if (!account) throw new ReauthRequiredError("the session's token cache is gone");
    try {
      const scopes = resource?.scopes ?? GRAPH_SCOPES;
      const result = await client.acquireTokenSilent({ account, scopes, forceRefresh });
      if (!result?.fromCache) this.#o.onRefresh("success");
      if (!result?.accessToken || !result.expiresOn) {
        throw new ReauthRequiredError("the token endpoint returned no access token");
      }
      if (!result.fromCache && result.idToken) await this.#o.onIdToken(owner, result.idToken);
      return { accessToken: result.accessToken, expiresOnMs: result.expiresOn.getTime() };
    } catch (error) {
      this.#o.onRefresh("failure");
      // A declared API's scope not consented to, or a claims challenge: the grant is alive, the
      // user only has to interact (incremental consent, step-up). The session stays.
      const interaction = resource ? interactionNeeded(error, resource.scopes) : undefined;
      if (interaction) throw interaction;
      if (isDeadGrant(error)) {
        const claims = error instanceof InteractionRequiredAuthError ? error.claims : undefined;
        const aadsts = parseAadstsCode(error instanceof AuthError ? error.errorMessage : undefined);
        throw new ReauthRequiredError("the refresh token was rejected", {
          cause: error,
          ...(claims ? { claims } : {}),
          ...(aadsts === undefined ? {} : { aadsts }),
        });
      }
      // The app's own credential was refused (expired secret, stale or untrusted federated token):
      // no fault of the session, and no outage either — say so, with Entra's code for the doctor.
      if (error instanceof ServerError && error.errorCode === "invalid_client") {
        const aadsts = parseAadstsCode(error.errorMessage);
        this.#o.log.error(
          { event: "credential.rejected", aadsts },
          "Entra ID refused the app's client credential",
        );
        throw new AppError(
          "upstream_error",
          502,
          `Microsoft Entra ID refused this app's credential${aadsts ? ` (AADSTS${aadsts})` : ""}; run pnpm doctor.`,
          { cause: error },
        );
      }
      // Anything else MSAL reports (timeout, refused connection, an Entra 5xx or temporarily_unavailable)
      // is an outage of the identity provider, not of this session: keep the session, answer 503.
      if (error instanceof AuthError) {
        throw new AppError(
          "upstream_unavailable",
          503,
          "Microsoft Entra ID is unavailable; try again shortly.",
          {
            cause: error,
            retryAfter: 5,
          },
        );
      }
      throw error;
    }
  }

  async #readShared(
    cacheKey: string,
    resourceId: string | undefined,
  ): Promise<CachedAccessToken | undefined> {
    return readRecord<CachedAccessToken>(
      "access-token",
      await this.#o.kv.get(sessionKeys.accessToken(cacheKey, resourceId)),
    );
  }

  /**
   * Shares the token with every instance, for `tokenIdleMs` at most (each session touch extends
   * it); false when the session has ended (tombstone).
   */
  async #share(cacheKey: string, resourceId: string | undefined, token: CachedAccessToken): Promise<boolean> {
    const ttl = this.#retention(token);
    if (ttl <= 0) return false;
    const key = sessionKeys.accessToken(cacheKey, resourceId);
    return this.#o.kv.setUnlessTombstoned(
      key,
      writeRecord("access-token", token),
      ttl,
      sessionKeys.tombstone(cacheKey),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
