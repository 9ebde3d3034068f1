import { randomBytes } from "node:crypto";
import type { SessionStore } from "@fastify/session";
import type { FastifyRequest, Session } from "fastify";
import type { KeyValueStore } from "./kv-store.js";
import { readRecord, writeRecord } from "./record-format.js";
import { noRecordSync, type SessionRecordSync } from "./session-cache-sync.js";
import type { SessionAuth } from "./session-data.js";
import { endSessionKeys, SESSION_KEY_PREFIX, sessionKeys } from "./session-keys.js";
import { sharedTokenIdleMs } from "./shared-token-window.js";

export { SESSION_KEY_PREFIX };

export interface SessionRecords extends SessionStore {
  /**
   * Moves `lastSeenAt` in the stored record without changing the request's session, so
   * @fastify/session neither saves it again nor re-sends the cookie. False when the record is
   * gone (ended on another instance): the write never brings it back.
   */
  touch(sessionId: string, auth: SessionAuth): Promise<boolean>;
  /** Ends the session's record, token cache and shared tokens behind a tombstone. */
  end(sessionId: string): Promise<void>;
}

/**
 * What a session record holds: the session's own fields (`auth`) without the `cookie` sub-object
 * @fastify/session would serialize (~150 bytes a session). Nothing reads it back: lifetimes are
 * enforced from `auth.expiresAt`/`lastSeenAt`, and a restored session takes its cookie options
 * from the configuration. Still format 1: every reader, the release before versioning included,
 * restores a record without `cookie` (@fastify/session starts it from the configured options).
 */
export function storedFields(session: object): Record<string, unknown> {
  const { cookie: _cookie, ...fields } = session as Record<string, unknown>;
  return fields;
}

/** Sessions being created by a sign-in: the only saves allowed to create a record. */
const creating = new WeakSet<object>();
/** The id the next session of a request gets (the sign-in's chosen id). */
const assignedIds = new WeakMap<FastifyRequest, string>();

/** @fastify/session's `idGenerator`: the id a sign-in assigned, else a random one (192 bits). */
export function sessionIdGenerator(request?: FastifyRequest): string {
  const assigned = request && assignedIds.get(request);
  if (assigned) {
    assignedIds.delete(request);
    return assigned;
  }
  return randomBytes(24).toString("base64url");
}

/**
 * The only way a session record comes to exist: a new session under `id` (so its record shares a
 * hash tag with the token cache the sign-in already wrote), replacing the request's old session
 * (fixation) and created with "only if absent". @fastify/session then issues the cookie.
 */
export async function createSession(request: FastifyRequest, id: string, auth: SessionAuth): Promise<void> {
  assignedIds.set(request, id);
  await request.session.regenerate();
  request.session.auth = auth;
  creating.add(request.session);
  try {
    await request.session.save();
  } finally {
    creating.delete(request.session);
  }
}

/**
 * Adapts the KeyValueStore to @fastify/session's callback store. Each record expires after
 * min(idle lifetime, remaining absolute lifetime), so the store itself forgets ended sessions.
 * Only `createSession` creates a record; every other save is "update only if it still exists",
 * and destroying a session ends all of its keys behind a tombstone.
 */
export function createFastifySessionStore(
  kv: KeyValueStore,
  options: {
    idleMs: number;
    tombstoneMs: number;
    resourceIds?: readonly string[];
    now?: () => number;
    /** Told of every write and end, so no instance serves an older record from its cache. */
    sync?: SessionRecordSync;
  },
): SessionRecords {
  const now = options.now ?? (() => Date.now());
  const sync = options.sync ?? noRecordSync;
  const tokenWindowMs = sharedTokenIdleMs(options.idleMs);
  const ttlOf = (auth: SessionAuth) => Math.min(options.idleMs, auth.expiresAt - now());
  const end = async (sessionId: string) => {
    await endSessionKeys(kv, sessionId, options.tombstoneMs, options.resourceIds ?? []);
    // After the delete: a read that raced it is then not cached either (its ticket is void).
    sync.ended(sessionId);
  };
  return {
    set(sessionId, session, callback) {
      const auth = (session as Session).auth;
      // An anonymous session holds nothing worth storing.
      if (!auth) return callback();
      const ttl = ttlOf(auth);
      if (ttl <= 0) {
        end(sessionId).then(() => callback(), callback);
        return;
      }
      const key = sessionKeys.record(sessionId);
      const value = writeRecord("session", storedFields(session));
      if (!creating.has(session)) {
        kv.update(key, value, ttl)
          .then(() => sync.changed(sessionId))
          .then(() => callback(), callback);
        return;
      }
      kv.setIfAbsent(key, value, ttl).then(
        (created) => callback(created ? undefined : new Error("a session with this id already exists")),
        callback,
      );
    },
    get(sessionId, callback) {
      kv.get(sessionKeys.record(sessionId)).then((raw) => {
        // A corrupt record, or one of a format this release cannot read, is no session.
        callback(null, readRecord<Session>("session", raw) ?? null);
      }, callback);
    },
    destroy(sessionId, callback) {
      end(sessionId).then(() => callback(), callback);
    },
    end,
    async touch(sessionId, auth) {
      const ttl = ttlOf(auth);
      if (ttl <= 0) return false;
      // Only `auth`: @fastify/session restores the cookie from its options (maxAge), and the
      // BFF enforces both lifetimes from auth itself.
      const record = writeRecord("session", { auth });
      const updated = await kv.update(sessionKeys.record(sessionId), record, ttl);
      await sync.changed(sessionId);
      if (!updated) return false;
      // A session in use keeps its shared access tokens; an idle one lets them go (shared-token-window.ts).
      // One past its expiry may linger up to the window: the token service never serves it.
      const tokenTtl = Math.min(ttl, tokenWindowMs);
      await Promise.all([
        // The refresh token lives as long as the session does, not a whole absolute lifetime.
        kv.extend(sessionKeys.tokenCache(sessionId), ttl),
        // So do the roles of the last refresh: were they to lapse first, the sign-in's would return.
        kv.extend(sessionKeys.authorization(sessionId), ttl),
        kv.extend(sessionKeys.accessToken(sessionId), tokenTtl),
        ...(options.resourceIds ?? []).map((id) =>
          kv.extend(sessionKeys.accessToken(sessionId, id), tokenTtl),
        ),
      ]);
      return true;
    },
  };
}
