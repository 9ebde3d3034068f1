import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { CookiePolicy } from "../cookies.js";
import { cachedSigner } from "./cached-signer.js";
import { createFastifySessionStore, sessionIdGenerator } from "./fastify-session-store.js";
import { createSessionCookie } from "./session-cookie.js";
import { createSessions, type Sessions } from "./sessions.js";
import { clearStaleSessionCookie } from "./stale-cookie.js";

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
}

export const TOUCH_INTERVAL_MS = 60_000;

/** Once a minute, or a tenth of the idle timeout when that is shorter. */
export function touchIntervalFor(idleMs: number): number {
  return Math.min(TOUCH_INTERVAL_MS, Math.floor(idleMs / 10));
}

/**
 * Server-side sessions: @fastify/session over the KV store, a cookie that carries only a signed
 * id, and idle + absolute lifetimes enforced on the server for every request of this scope.
 * Knows nothing of tokens: whoever holds per-session state listens to `sessionEvents`.
 * @see https://github.com/fastify/session
 */
export const sessionPlugin = fp<SessionPluginOptions>(
  async (
    app: FastifyInstance,
    { cookies, secrets, idleMs, absoluteMs, tombstoneMs, resourceIds = [], timing = {} },
  ) => {
    // lastSeenAt lags real activity by up to one interval, so a short idle timeout needs a
    // proportionally short one (SESSION_IDLE_MINUTES=1 would otherwise end active sessions).
    const touchIntervalMs = timing.touchIntervalMs ?? touchIntervalFor(idleMs);
    const now = timing.now ?? (() => Date.now());
    const sidCookie = createSessionCookie(cookies);
    await app.register(fastifyCookie);
    // Between @fastify/cookie's parsing and @fastify/session's loading: the previous release's name.
    app.addHook("onRequest", async (request) => sidCookie.adoptLegacy(request));
    const store = createFastifySessionStore(app.kv, { idleMs, tombstoneMs, resourceIds, now });
    await app.register(fastifySession, {
      secret: cachedSigner(secrets),
      cookieName: sidCookie.name,
      cookie: { ...cookies.options, maxAge: absoluteMs },
      saveUninitialized: false,
      rolling: false,
      idGenerator: sessionIdGenerator,
      store,
    });
    const sessions = createSessions({
      cookie: sidCookie,
      idleMs,
      absoluteMs,
      index: app.userSessions,
      now,
      events: app.sessionEvents,
      audit: app.audit,
    });
    app.decorate("sessions", sessions);

    app.addHook("onRequest", clearStaleSessionCookie(sidCookie));
    // After @fastify/session's onSend: a live session's cookie under both names (session-cookie.ts).
    app.addHook("onSend", async (request, reply, payload) => {
      const auth = sessions.current(request);
      const id = request.session?.encryptedSessionId;
      if (auth && id) sidCookie.mirror(request, reply, id, auth.expiresAt, now());
      return payload;
    });
    app.addHook("onRequest", async (request, reply) => {
      const auth = request.session?.auth;
      if (!auth) return;
      const at = now();
      if (at >= auth.expiresAt) return sessions.end(request, reply, "absolute_timeout");
      if (at - auth.lastSeenAt >= idleMs) return sessions.end(request, reply, "idle_timeout");
      const touches = request.routeOptions.config.touchesSession;
      // The event stream and the focus check watch the session without keeping it alive.
      if (touches === false) return;
      if (touches !== "always" && at - auth.lastSeenAt < touchIntervalMs) return;
      // Written straight to the store (update only): the request's session stays unmodified, so
      // @fastify/session neither saves it again in onSend nor re-sends the cookie.
      const touched = { ...auth, lastSeenAt: at };
      if (!(await store.touch(request.session.sessionId, request.session, touched))) {
        sessions.markEndedElsewhere(request, reply);
        return;
      }
      // The index entry lives exactly as long as the record just written.
      const ttl = Math.max(1, Math.min(idleMs, auth.expiresAt - at));
      await app.userSessions.put(request.session.sessionId, touched, ttl);
    });
  },
  { name: "session", dependencies: ["kv", "session-events", "audit", "user-sessions"] },
);
