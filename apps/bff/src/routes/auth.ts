import { LogoutResponseSchema } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { requestedClaims, requestedScopes } from "../apis/login-scopes.js";
import { takeClaims } from "../auth/claims-challenge.js";
import { passesCsrfCheck } from "../auth/csrf.js";
import { LoginBindings } from "../auth/login-binding.js";
import { LOGIN_TTL_MS, SignInError } from "../auth/login-service.js";
import { safeReturnTo } from "../auth/return-to.js";
import { signInErrorPage } from "../auth/sign-in-pages.js";
import type { AppConfig } from "../config.js";
import { clearCookie, cookieName, setCookie } from "../cookies.js";
import { AppError } from "../errors.js";
import { ApiErrorResponse } from "./schemas.js";

export interface AuthRoutesOptions {
  config: AppConfig;
}

/** A request that says it carries a body (any length but 0, or chunked). */
function announcesBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined;
}

/**
 * `GET /login`, `GET /getAToken` (the redirect URI) and `POST /logout`. Sign-in failures render
 * a readable page; /logout is CSRF-guarded JSON.
 */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { config }) => {
  const bindingCookie = cookieName("bff.login", config.secureCookies);
  const bindings = new LoginBindings(config.sessionSecrets);
  const rateLimit = { max: config.authRateLimitPerMinute, timeWindow: 60_000 };
  const appOrigin = new URL(config.publicUrl).origin;
  const declaredScopes = new Set(
    config.apis.filter((api) => api.token === "user").flatMap((api) => api.scopes),
  );

  function sendPage(reply: FastifyReply, error: unknown): FastifyReply {
    const page = signInErrorPage(error);
    if (page.retryAfter !== undefined) reply.header("retry-after", page.retryAfter);
    return reply.code(page.status).type("text/html; charset=utf-8").send(page.html);
  }
  // Pages, not JSON, for anything that goes wrong on these browser-navigated routes.
  const pageErrors = async (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    // A malformed query (a parameter given twice, say) is the client's mistake, not ours.
    if ((error as { validation?: unknown }).validation) {
      request.log.info({ event: "signin.bad_request" }, "malformed sign-in request");
      return sendPage(reply, new SignInError({ kind: "bad_request", reason: "malformed query" }));
    }
    if (!(error instanceof SignInError) && !(error instanceof AppError && error.statusCode < 500)) {
      request.log.error({ err: error }, "sign-in route failed");
    }
    return sendPage(reply, error);
  };

  app.get(
    "/login",
    {
      config: { rateLimit },
      schema: {
        querystring: Type.Object({
          returnTo: Type.Optional(Type.String()),
          prompt: Type.Optional(Type.String()),
          /** Incremental consent: extra scopes of declared APIs (space-separated). */
          scopes: Type.Optional(Type.String({ maxLength: 2048 })),
          /** A claims challenge (JSON) from a declared API's consent_required / step_up_required. */
          claims: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
      },
      errorHandler: (error, request, reply) => pageErrors(request, reply, error),
    },
    async (request, reply) => {
      // Reused when the BFF issued it, so two tabs signing in at once both succeed.
      const binding = bindings.verify(request.cookies[bindingCookie]) ?? bindings.issue();
      const prompt = request.query.prompt;
      const returnTo = safeReturnTo(request.query.returnTo);
      const extraScopes = requestedScopes(request.query.scopes, declaredScopes, returnTo);
      // A claims challenge from a refused refresh (Conditional Access, MFA) goes to Entra once;
      // one from a declared API's step-up comes in the query.
      const claims =
        requestedClaims(request.query.claims, returnTo) ?? takeClaims(request, reply, config.secureCookies);
      const authorizeUrl = await app.auth.login.start({
        returnTo,
        binding,
        ...(extraScopes.length > 0 ? { extraScopes } : {}),
        ...(claims ? { claims } : {}),
        ...(prompt === "select_account" || prompt === "login" ? { prompt } : {}),
      });
      setCookie(reply, bindingCookie, binding, config.secureCookies, LOGIN_TTL_MS / 1000);
      return reply.redirect(authorizeUrl, 302);
    },
  );

  app.get(
    "/getAToken",
    {
      config: { rateLimit },
      schema: {
        querystring: Type.Object({
          code: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          error: Type.Optional(Type.String()),
          error_description: Type.Optional(Type.String()),
          iss: Type.Optional(Type.String()),
        }),
      },
      errorHandler: (error, request, reply) => pageErrors(request, reply, error),
    },
    async (request, reply) => {
      const sent = request.cookies[bindingCookie];
      const binding = bindings.verify(sent);
      if (sent !== undefined && !binding) clearCookie(reply, bindingCookie, config.secureCookies);
      try {
        const { auth, returnTo } = await app.auth.login.complete(request.query, binding);
        // A new session id at sign-in (ending any previous session of this browser): a planted id
        // (fixation) never becomes a signed-in session.
        await app.sessions.create(request, auth);
        request.log.info({ event: "signin.success", oid: auth.user.oid, tid: auth.user.tid }, "signed in");
        app.metrics.signIn({ result: "success" });
        return reply.redirect(returnTo, 302);
      } catch (error) {
        if (error instanceof SignInError) {
          const failure = error.failure;
          request.log.warn(
            {
              event: "signin.failure",
              kind: failure.kind,
              ...(failure.kind === "entra_error" ? { error: failure.error, aadsts: failure.aadsts } : {}),
              ...(failure.kind === "id_token_invalid" ? { reason: failure.reason } : {}),
            },
            "sign-in failed",
          );
          app.metrics.signIn({
            result: "failure",
            kind: failure.kind,
            ...(failure.kind === "entra_error" && failure.aadsts !== undefined
              ? { aadsts: failure.aadsts }
              : {}),
          });
        }
        throw error;
      }
    },
  );

  app.post(
    "/logout",
    {
      config: { rateLimit },
      // Sign-out reads no body: one that is announced is refused before a byte of it is read.
      bodyLimit: 1,
      onRequest: async (request) => {
        if (announcesBody(request)) throw new AppError("bad_request", 413, "POST /logout takes no body.");
      },
      schema: { response: { 200: LogoutResponseSchema, 403: ApiErrorResponse, "5xx": ApiErrorResponse } },
    },
    async (request, reply) => {
      if (!passesCsrfCheck(request, appOrigin)) {
        return reply.code(403).send({ code: "csrf_rejected", message: "Missing or invalid X-CSRF header." });
      }
      const loginHint = app.sessions.current(request)?.loginHint;
      await app.sessions.end(request, reply, "signout");
      return { logoutUrl: await app.auth.logoutUrl(loginHint) };
    },
  );
};
