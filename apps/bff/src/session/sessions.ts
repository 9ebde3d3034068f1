import type { FastifyReply, FastifyRequest } from "fastify";
import type { Audit, SessionEndReason } from "../audit.js";
import type { CookiePolicy } from "../cookies.js";
import { createSession } from "./fastify-session-store.js";
import type { SessionAuth, SessionIdentity } from "./session-data.js";
import type { SessionEvents } from "./session-events.js";

export type { SessionEndReason } from "../audit.js";

/** Both ends of a session, and what the routes may read of it. */
export interface Sessions {
  /** The session cookie's name (`__Host-bff.sid` when PUBLIC_URL is https). */
  cookieName: string;
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

export interface SessionsDeps {
  cookieName: string;
  cookies: CookiePolicy;
  absoluteMs: number;
  now: () => number;
  events: SessionEvents;
  audit: Audit;
}

export function createSessions(deps: SessionsDeps): Sessions {
  const { cookieName, cookies, events } = deps;
  /** Requests whose session was found ended elsewhere while they ran. */
  const endedElsewhere = new WeakSet<FastifyRequest>();
  return {
    cookieName,
    current(request) {
      return endedElsewhere.has(request) ? undefined : request.session?.auth;
    },
    async start(request, _reply, identity) {
      const previous = request.session?.auth;
      const now = deps.now();
      const auth: SessionAuth = {
        ...identity,
        createdAt: now,
        expiresAt: now + deps.absoluteMs,
        lastSeenAt: now,
      };
      // regenerate() destroys the previous record and its keys behind a tombstone.
      await createSession(request, identity.cacheKey, auth);
      // The old cookie is replaced by the new one below; left in place, @fastify/session would
      // also "clear" it first with nothing but Path=/, against the one cookie rule.
      delete request.cookies[cookieName];
      if (previous) events.emitEnded(previous.cacheKey);
    },
    async end(request, reply, reason, detail) {
      const auth = request.session?.auth;
      // Record, token cache and shared token go at once, behind a tombstone.
      if (request.session) await request.session.destroy();
      cookies.clear(reply, cookieName);
      if (!auth) return;
      events.emitEnded(auth.cacheKey);
      deps.audit.sessionEnded(request, reason, auth.user.oid, detail);
    },
    markEndedElsewhere(request, reply) {
      endedElsewhere.add(request);
      cookies.clear(reply, cookieName);
    },
  };
}
