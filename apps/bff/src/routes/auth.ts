import { ApiErrorSchema, LogoutResponseSchema } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { requestedClaims, requestedScopes } from "../apis/login-scopes.js";
import { takeClaims } from "../auth/claims-challenge.js";
import { LoginBindings } from "../auth/login-binding.js";
import { LOGIN_TTL_MS, SignInError } from "../auth/login-service.js";
import { safeReturnTo } from "../auth/return-to.js";
import { signInErrorPage } from "../auth/sign-in-pages.js";
import type { CookiePolicy } from "../cookies.js";
import { AppError } from "../errors.js";

export interface AuthRoutesOptions {
  cookies: CookiePolicy;
  /** SESSION_SECRET (newest first): keys the sign-in binding cookie. */
  secrets: readonly string[];
  /** Requests per minute per client address to each of these routes (AUTH_RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number;
  /** The scopes of the declared APIs: the only ones `/login?scopes=` may ask for (incremental consent). */
  declaredScopes?: ReadonlySet<string>;
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
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (
  app,
  { cookies, secrets, rateLimitPerMinute, declaredScopes = new Set<string>() },
) => {
  const bindingCookie = cookies.name("bff.login");
  const bindings = new LoginBindings(secrets);
  const rateLimit = { max: rateLimitPerMinute, timeWindow: 60_000 };

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
      const claims = requestedClaims(request.query.claims, returnTo) ?? takeClaims(request, reply, cookies);
      const authorizeUrl = await app.auth.login.start({
        returnTo,
        binding,
        ...(extraScopes.length > 0 ? { extraScopes } : {}),
        ...(claims ? { claims } : {}),
        ...(prompt === "select_account" || prompt === "login" ? { prompt } : {}),
      });
      cookies.set(reply, bindingCookie, binding, LOGIN_TTL_MS / 1000);
      return reply.redirect(authorizeUrl, 302);
    },
  );

  // The one route that creates sessions: @fastify/session in its scope (sessions.lifecycle).
  await app.register(async (scope) => {
    await scope.register(app.sessions.lifecycle);
    const signIn = scope.withTypeProvider<TypeBoxTypeProvider>();
    signIn.get(
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
        if (sent !== undefined && !binding) cookies.clear(reply, bindingCookie);
        try {
          const { identity, returnTo } = await app.auth.login.complete(request.query, binding);
          await app.sessions.start(request, reply, identity);
          app.audit.signInSucceeded(request, identity.user);
          return reply.redirect(returnTo, 302);
        } catch (error) {
          if (error instanceof SignInError) app.audit.signInFailed(request, error.failure);
          throw error;
        }
      },
    );
  });

  app.post(
    "/logout",
    {
      config: { rateLimit, csrf: true, session: "optional" },
      // Sign-out reads no body: one that is announced is refused before a byte of it is read.
      bodyLimit: 1,
      onRequest: async (request) => {
        if (announcesBody(request)) throw new AppError("bad_request", 413, "POST /logout takes no body.");
      },
      schema: { response: { 200: LogoutResponseSchema, 403: ApiErrorSchema, "5xx": ApiErrorSchema } },
    },
    async (request, reply) => {
      const loginHint = app.sessions.current(request)?.loginHint;
      await app.sessions.end(request, reply, "signout");
      return { logoutUrl: await app.auth.logoutUrl(loginHint) };
    },
  );
};
