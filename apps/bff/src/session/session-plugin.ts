import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { AppConfig } from "../config.js";
import { clearCookie, cookieName, cookieOptions } from "../cookies.js";
import { clientLabel } from "../user-sessions/client-label.js";
import { cachedSigner } from "./cached-signer.js";
import { createFastifySessionStore, createSession, sessionIdGenerator } from "./fastify-session-store.js";
import type { SessionAuth } from "./session-data.js";
import { tombstoneTtlMs } from "./session-keys.js";
import { clearStaleSessionCookie } from "./stale-cookie.js";

/** Why a session ended, for the audit log. */
export type SessionEndReason = "signout" | "idle_timeout" | "absolute_timeout" | "reauth_required";

export interface Sessions {
  /** The session cookie's name (`__Host-bff.sid` when PUBLIC_URL is https). */
  cookieName: string;
  /** The signed-in part of this request's session, if any (none once it ended anywhere). */
  current(request: FastifyRequest): SessionAuth | undefined;
  /**
   * Signs the request in: a new session whose id is `auth.cacheKey` (the key its token cache was
   * written under), replacing any session this browser had. The only way a record is created.
   */
  create(request: FastifyRequest, auth: SessionAuth): Promise<void>;
  /** Destroys the session and its token cache everywhere and clears the cookie. */
  end(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: SessionEndReason,
    /** Why Entra refused, when it did: logged with the audit event. */
    detail?: { aadsts?: number },
  ): Promise<void>;
}

declare module "fastify" {
  interface FastifyInstance {
    sessions: Sessions;
  }
}

/** When a session's lastSeenAt moves; injectable so race tests run in seconds. */
export interface SessionTiming {
  /** lastSeenAt moves at most this often, so most requests do no store write. Default 60 000. */
  touchIntervalMs?: number;
  /** The clock idle, absolute and touch decisions use. Default Date.now. */
  now?: () => number;
}

export interface SessionPluginOptions {
  config: AppConfig;
  timing?: SessionTiming;
}

export const TOUCH_INTERVAL_MS = 60_000;

/**
 * Server-side sessions: @fastify/session over the KV store, a cookie that carries only a signed
 * id, and idle + absolute lifetimes enforced on the server for every request of this scope.
 * @see https://github.com/fastify/session
 */
export const sessionPlugin = fp<SessionPluginOptions>(
  async (app: FastifyInstance, { config, timing = {} }) => {
    const touchIntervalMs = timing.touchIntervalMs ?? TOUCH_INTERVAL_MS;
    const clock = timing.now ?? (() => Date.now());
    const sidCookie = cookieName("bff.sid", config.secureCookies);
    const sidCookieOptions = cookieOptions(config.secureCookies);
    await app.register(fastifyCookie);
    const store = createFastifySessionStore(app.kv, {
      idleMs: config.sessionIdleMs,
      tombstoneMs: tombstoneTtlMs(config.idpTimeoutMs),
      now: clock,
    });
    await app.register(fastifySession, {
      secret: cachedSigner(config.sessionSecrets),
      cookieName: sidCookie,
      cookie: { ...sidCookieOptions, maxAge: config.sessionAbsoluteMs },
      saveUninitialized: false,
      rolling: false,
      idGenerator: sessionIdGenerator,
      store,
    });
    const ttlOf = (auth: SessionAuth, now: number) =>
      Math.max(1, Math.min(config.sessionIdleMs, auth.expiresAt - now));
    /** Requests whose session was found ended elsewhere while they ran. */
    const endedElsewhere = new WeakSet<FastifyRequest>();

    const sessions: Sessions = {
      cookieName: sidCookie,
      current(request) {
        return endedElsewhere.has(request) ? undefined : request.session?.auth;
      },
      async create(request, auth) {
        const previous = request.session?.auth;
        auth.client = clientLabel(request.headers["user-agent"]);
        await createSession(request, auth.cacheKey, auth);
        await app.userSessions.put(auth.cacheKey, auth, ttlOf(auth, clock()));
        if (previous) app.auth.tokens.dropHot(previous.cacheKey);
      },
      async end(request, reply, reason, detail) {
        const auth = request.session?.auth;
        const id = request.session?.sessionId;
        // Record, token cache and shared token go at once, behind a tombstone.
        if (request.session) await request.session.destroy();
        clearCookie(reply, sidCookie, config.secureCookies);
        if (!auth) return;
        if (id) await app.userSessions.forget(id, auth.user);
        app.auth.tokens.dropHot(auth.cacheKey);
        app.metrics.sessionEnded(reason);
        request.log.info({
          event: reason === "signout" ? "signout" : "session.ended",
          reason,
          oid: auth.user.oid,
          ...(detail?.aadsts === undefined ? {} : { aadsts: detail.aadsts }),
        });
      },
    };
    app.decorate("sessions", sessions);

    app.addHook("onRequest", clearStaleSessionCookie(sidCookie, config.secureCookies));
    app.addHook("onRequest", async (request, reply) => {
      const auth = request.session?.auth;
      if (!auth) return;
      const now = clock();
      if (now >= auth.expiresAt) return sessions.end(request, reply, "absolute_timeout");
      if (now - auth.lastSeenAt >= config.sessionIdleMs) return sessions.end(request, reply, "idle_timeout");
      const touches = request.routeOptions.config.touchesSession;
      // The event stream and the focus check watch the session without keeping it alive.
      if (touches === false) return;
      if (touches !== "always" && now - auth.lastSeenAt < touchIntervalMs) return;
      // Written straight to the store (update only): the request's session stays unmodified, so
      // @fastify/session neither saves it again in onSend nor re-sends the cookie.
      const touched = { ...auth, lastSeenAt: now };
      if (!(await store.touch(request.session.sessionId, request.session, touched))) {
        endedElsewhere.add(request);
        clearCookie(reply, sidCookie, config.secureCookies);
        return;
      }
      // The index entry lives exactly as long as the record just written.
      await app.userSessions.put(request.session.sessionId, touched, ttlOf(touched, now));
    });
  },
  { name: "session", dependencies: ["kv", "auth", "user-sessions"] },
);
