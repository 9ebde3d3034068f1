import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { AppConfig } from "../config.js";
import { clearCookie, cookieName, cookieOptions } from "../cookies.js";
import { cachedSigner } from "./cached-signer.js";
import { createFastifySessionStore } from "./fastify-session-store.js";
import type { SessionAuth } from "./session-data.js";
import { clearStaleSessionCookie } from "./stale-cookie.js";

/** Why a session ended, for the audit log. */
export type SessionEndReason = "signout" | "idle_timeout" | "absolute_timeout" | "reauth_required";

export interface Sessions {
  /** The session cookie's name (`__Host-bff.sid` when PUBLIC_URL is https). */
  cookieName: string;
  /** The signed-in part of this request's session, if any. */
  current(request: FastifyRequest): SessionAuth | undefined;
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

export interface SessionPluginOptions {
  config: AppConfig;
}

/** Most requests do no store write: lastSeenAt moves at most once a minute. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Server-side sessions: @fastify/session over the KV store, a cookie that carries only a signed
 * id, and idle + absolute lifetimes enforced on the server for every request of this scope.
 * @see https://github.com/fastify/session
 */
export const sessionPlugin = fp<SessionPluginOptions>(
  async (app: FastifyInstance, { config }) => {
    const sidCookie = cookieName("bff.sid", config.secureCookies);
    const sidCookieOptions = cookieOptions(config.secureCookies);
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: cachedSigner(config.sessionSecrets),
      cookieName: sidCookie,
      cookie: { ...sidCookieOptions, maxAge: config.sessionAbsoluteMs },
      saveUninitialized: false,
      rolling: false,
      store: createFastifySessionStore(app.kv, config.sessionIdleMs),
    });

    const sessions: Sessions = {
      cookieName: sidCookie,
      current(request) {
        return request.session?.auth;
      },
      async end(request, reply, reason, detail) {
        const auth = request.session?.auth;
        if (request.session) await request.session.destroy();
        clearCookie(reply, sidCookie, config.secureCookies);
        if (!auth) return;
        await app.auth.tokens.forget(auth.cacheKey);
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
      const now = Date.now();
      if (now >= auth.expiresAt) return sessions.end(request, reply, "absolute_timeout");
      if (now - auth.lastSeenAt >= config.sessionIdleMs) return sessions.end(request, reply, "idle_timeout");
      if (now - auth.lastSeenAt >= TOUCH_INTERVAL_MS) request.session.auth = { ...auth, lastSeenAt: now };
    });
  },
  { name: "session", dependencies: ["kv", "auth"] },
);
