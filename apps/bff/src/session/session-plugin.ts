import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { CookiePolicy } from "../cookies.js";
import { cachedSigner } from "./cached-signer.js";
import { createFastifySessionStore, sessionIdGenerator } from "./fastify-session-store.js";
import { noRecordSync, type SessionRecordSync } from "./session-cache-sync.js";
import { createSessionCookie } from "./session-cookie.js";
import { createSessionReader } from "./session-reader.js";
import { noSessionRecordCache, type SessionRecordCache } from "./session-record-cache.js";
import { createSessions, type Sessions } from "./sessions.js";
import { clearStaleCookie } from "./stale-cookie.js";
import { touchIntervalFor } from "./touch-interval.js";

export type { SessionEndReason, Sessions } from "./sessions.js";

declare module "fastify" {
  interface FastifyInstance {
    sessions: Sessions;
  }
  interface FastifyContextConfig {
    /**
     * False: the request does not move the session's lastSeenAt (the idle timeout still runs).
     * "always": it moves it now, whatever the touch interval ("Stay signed in").
     */
    touchesSession?: boolean | "always";
  }
}

/** When a session's lastSeenAt moves; injectable so race tests run in seconds. */
export interface SessionTiming {
  /** lastSeenAt moves at most this often, so most requests do no store write. Default: touchIntervalFor(idle). */
  touchIntervalMs?: number;
  /** The clock idle, absolute and touch decisions use. Default Date.now. */
  now?: () => number;
}

export interface SessionPluginOptions {
  cookies: CookiePolicy;
  /** SESSION_SECRET: newest first; any of them verifies a cookie. */
  secrets: readonly string[];
  idleMs: number;
  absoluteMs: number;
  /** How long an ended session's tombstone blocks late writes. */
  tombstoneMs: number;
  /** Declared APIs' resource ids: their shared tokens end with the session too. */
  resourceIds?: readonly string[];
  timing?: SessionTiming;
  /** Parsed records kept ≤ 1 s (Redis only; session-record-cache.ts) and what keeps them true. */
  recordCache?: { cache: SessionRecordCache; sync: SessionRecordSync };
}

export { TOUCH_INTERVAL_MS, touchIntervalFor } from "./touch-interval.js";

/**
 * Server-side sessions: a cookie that carries only a signed id, records in the KV store, and idle +
 * absolute lifetimes enforced on the server for every request of this scope. Requests read their
 * session through the lean reader (session-reader.ts); sign-in creates it through @fastify/session.
 * Knows nothing of tokens: whoever holds per-session state listens to `sessionEvents`.
 * @see https://github.com/fastify/session
 */
export const sessionPlugin = fp<SessionPluginOptions>(
  async (
    app: FastifyInstance,
    { cookies, secrets, idleMs, absoluteMs, tombstoneMs, resourceIds = [], timing = {}, recordCache },
  ) => {
    // lastSeenAt lags real activity by up to one interval, so a short idle timeout needs a
    // proportionally short one (SESSION_IDLE_MINUTES=1 would otherwise end active sessions).
    const touchIntervalMs = timing.touchIntervalMs ?? touchIntervalFor(idleMs);
    const now = timing.now ?? (() => Date.now());
    const cache = recordCache?.cache ?? noSessionRecordCache;
    const sync = recordCache?.sync ?? noRecordSync;
    const sidCookie = createSessionCookie(cookies);
    const signer = cachedSigner(secrets);
    await app.register(fastifyCookie);
    const store = createFastifySessionStore(app.kv, { idleMs, tombstoneMs, resourceIds, now, sync });
    const reader = createSessionReader({ kv: app.kv, signer, cache });
    // @fastify/session creates sessions (regenerate, save, the cookie): only sign-in registers it
    // in its scope (sessions.lifecycle); every other request goes through the lean reader below.
    const lifecycle = fp(
      async (scope: FastifyInstance) => {
        await scope.register(fastifySession, {
          secret: signer,
          cookieName: sidCookie.name,
          cookie: { ...cookies.options, maxAge: absoluteMs },
          saveUninitialized: false,
          rolling: false,
          idGenerator: sessionIdGenerator,
          store,
        });
      },
      { name: "session-lifecycle" },
    );
    const sessions = createSessions({
      cookie: sidCookie,
      idleMs,
      absoluteMs,
      index: app.userSessions,
      now,
      events: app.sessionEvents,
      audit: app.audit,
      store,
      lifecycle,
    });
    app.decorate("sessions", sessions);
    app.decorateRequest("loadedSession", null);

    // Synchronous when no session cookie came (most static and anonymous requests).
    app.addHook("onRequest", (request, reply, done) => {
      // The previous release's cookie name stands in for the new one (session-cookie.ts).
      sidCookie.adoptLegacy(request);
      const sent = request.cookies[sidCookie.name];
      if (sent === undefined) {
        done();
        return;
      }
      loadSession(request, reply, sent).then(() => done(), done);
    });
    async function loadSession(request: FastifyRequest, reply: FastifyReply, sent: string): Promise<void> {
      const loaded = await reader.load(sent);
      if (!loaded) return clearStaleCookie(request, reply, sidCookie);
      request.loadedSession = loaded;
      const { auth } = loaded;
      const at = now();
      if (at >= auth.expiresAt) return sessions.end(request, reply, "absolute_timeout");
      if (at - auth.lastSeenAt >= idleMs) return sessions.end(request, reply, "idle_timeout");
      if (loaded.resign) sidCookie.reissue(reply, loaded.signedId, auth.expiresAt, at);
      const touches = request.routeOptions.config.touchesSession;
      // The event stream and the focus check watch the session without keeping it alive.
      if (touches === false) return;
      if (touches !== "always" && at - auth.lastSeenAt < touchIntervalMs) return;
      // Written straight to the store (update only), never creating a record or a cookie.
      const touched = { ...auth, lastSeenAt: at };
      if (!(await store.touch(loaded.id, touched))) {
        sessions.markEndedElsewhere(request, reply);
        return;
      }
      loaded.auth = touched;
      // The index entry lives exactly as long as the record just written.
      const ttl = Math.max(1, Math.min(idleMs, auth.expiresAt - at));
      await app.userSessions.put(loaded.id, touched, ttl);
    }
    // Only while the previous release's cookie name is in use (https): a live session's cookie
    // under both names, so either release's instance finds it.
    if (sidCookie.legacy) {
      app.addHook("onSend", async (request, reply, payload) => {
        const loaded = request.loadedSession;
        if (loaded) sidCookie.mirror(request, reply, loaded, now());
        return payload;
      });
    }
  },
  { name: "session", dependencies: ["kv", "session-events", "audit", "user-sessions"] },
);
