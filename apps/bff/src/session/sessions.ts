import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Audit, SessionEndReason } from "../audit.js";
import { clientLabel } from "../user-sessions/client-label.js";
import { createSession, type SessionRecords } from "./fastify-session-store.js";
import type { SessionCookie } from "./session-cookie.js";
import type { SessionAuth, SessionIdentity } from "./session-data.js";
import type { SessionEvents } from "./session-events.js";

export type { SessionEndReason } from "../audit.js";

/** Both ends of a session, and what the routes may read of it. */
export interface Sessions {
  /** The session cookie's name (`__Host-Http-bff.sid` when PUBLIC_URL is https). */
  cookieName: string;
  /**
   * @fastify/session, for the scope of the routes that sign in (register it there): it creates
   * sessions. Every other request reads its session through the lean reader.
   */
  lifecycle: (scope: FastifyInstance) => Promise<void>;
  /** The signed-in part of this request's session, if any (none once it ended anywhere). */
  current(request: FastifyRequest): SessionAuth | undefined;
  /**
   * Signs the request in: a new session whose id is `identity.cacheKey` (the key its token cache
   * was written under), stamped created/expires/lastSeen now, replacing (and ending everywhere)
   * any session this browser had, so a planted id (fixation) never becomes a signed-in session.
   * The only way a record is created.
   */
  start(request: FastifyRequest, reply: FastifyReply, identity: SessionIdentity): Promise<void>;
  /** Destroys the session and its token cache everywhere and clears the cookie. */
  end(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: SessionEndReason,
    /** Why Entra refused, when it did: logged with the audit event. */
    detail?: { aadsts?: number },
  ): Promise<void>;
  /** This request's session was found ended elsewhere: it is no session for the rest of it. */
  markEndedElsewhere(request: FastifyRequest, reply: FastifyReply): void;
}

/** The per-user index of live sessions (user-sessions/), kept in step with every start and end. */
export interface SessionIndexHooks {
  /** Records a session for `ttlMs` (its record's TTL). */
  put(id: string, auth: SessionAuth, ttlMs: number): Promise<void>;
  /** Drops an ended session from its user's index and tells every instance it ended. */
  forget(id: string, user: { tid: string; oid: string }): Promise<void>;
}

export interface SessionsDeps {
  cookie: SessionCookie;
  idleMs: number;
  absoluteMs: number;
  index: SessionIndexHooks;
  now: () => number;
  events: SessionEvents;
  audit: Audit;
  store: SessionRecords;
  lifecycle: Sessions["lifecycle"];
}

export function createSessions(deps: SessionsDeps): Sessions {
  const { cookie, events } = deps;
  const cookieName = cookie.name;
  return {
    cookieName,
    lifecycle: deps.lifecycle,
    current(request) {
      return request.loadedSession?.auth;
    },
    async start(request, _reply, identity) {
      if (!request.session?.regenerate)
        throw new Error("sessions.start needs sessions.lifecycle in its scope");
      const previous = request.loadedSession?.auth;
      const now = deps.now();
      const auth: SessionAuth = {
        ...identity,
        createdAt: now,
        expiresAt: now + deps.absoluteMs,
        lastSeenAt: now,
        // Browser and OS names for "Your sessions", never the raw User-Agent.
        client: clientLabel(request.headers["user-agent"]),
      };
      // regenerate() destroys the previous record and its keys behind a tombstone.
      await createSession(request, identity.cacheKey, auth);
      request.loadedSession = {
        id: identity.cacheKey,
        signedId: request.session.encryptedSessionId,
        resign: false,
        created: true,
        auth,
      };
      await deps.index.put(identity.cacheKey, auth, Math.min(deps.idleMs, deps.absoluteMs));
      // The old cookie is replaced by the new one below; left in place, @fastify/session would
      // also "clear" it first with nothing but Path=/, against the one cookie rule.
      delete request.cookies[cookieName];
      if (previous) {
        events.emitEnded(previous.cacheKey);
        await deps.index.forget(previous.cacheKey, previous.user);
      }
    },
    async end(request, reply, reason, detail) {
      const loaded = request.loadedSession;
      request.loadedSession = null;
      // Record, token cache and shared token go at once, behind a tombstone.
      if (loaded) await deps.store.end(loaded.id);
      cookie.clear(request, reply);
      const auth = loaded?.auth;
      if (!auth) return;
      events.emitEnded(auth.cacheKey);
      await deps.index.forget(auth.cacheKey, auth.user);
      deps.audit.sessionEnded(request, reason, auth.user.oid, detail);
    },
    markEndedElsewhere(request, reply) {
      request.loadedSession = null;
      cookie.clear(request, reply);
    },
  };
}
