import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Agent } from "undici";
import { rememberClaims } from "../auth/claims-challenge.js";
import type { AppConfig } from "../config.js";
import { AppError, InteractionNeededError, ReauthRequiredError } from "../errors.js";
import { type ApiRoute, PROXY_METHODS } from "./api-config.js";
import { ApiLimits } from "./api-limits.js";
import { type ApiMetrics, createApiMetrics } from "./api-metrics.js";
import { hasBody, relayResponse, sendUpstream, UpstreamUnauthorized } from "./api-proxy.js";
import { AppTokens } from "./app-tokens.js";
import { loginUrlFor, returnToOf } from "./interaction.js";
import { resourceId } from "./scopes.js";
import { upstreamUrl } from "./upstream-url.js";

export interface DeclaredApiRoutesOptions {
  config: AppConfig;
}

/**
 * The declared API routes (BFF_APIS), registered under the /api scope, so its CSRF and session
 * checks run first. Each prefix matches whole segments (`/api/tasks`, `/api/tasks/…`); bodies are
 * not parsed but streamed to the upstream.
 */
export async function declaredApiRoutes(
  app: FastifyInstance,
  { config }: DeclaredApiRoutesOptions,
): Promise<void> {
  if (config.apis.length === 0) return;
  // One connection pool for every upstream; each entry's limits keep one tab from draining it.
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  app.addHook("onClose", async () => dispatcher.close());
  const limits = new ApiLimits();
  const metrics = createApiMetrics(app.metrics.registry);
  const appTokens = new AppTokens(() => app.auth.msal());
  const basePath = new URL(config.publicUrl).pathname.replace(/\/+$/, "");

  // Bodies are streamed, never parsed: any content type is accepted and left unread here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));

  for (const route of config.apis) {
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      proxy(request, reply, route, { dispatcher, limits, metrics, appTokens, basePath, config });
    const url = route.prefix.slice("/api".length);
    const options = {
      method: [...PROXY_METHODS, "OPTIONS"],
      exposeHeadRoute: false,
      config: { sessionOptional: route.session === "optional" },
      handler,
    };
    app.route({ ...options, url });
    app.route({ ...options, url: `${url}/*` });
  }
}

interface ProxyDeps {
  dispatcher: Agent;
  limits: ApiLimits;
  metrics: ApiMetrics;
  appTokens: AppTokens;
  basePath: string;
  config: AppConfig;
}

async function proxy(
  request: FastifyRequest,
  reply: FastifyReply,
  route: ApiRoute,
  deps: ProxyDeps,
): Promise<FastifyReply> {
  if (!(route.methods as string[]).includes(request.method)) {
    reply.header("allow", route.methods.join(", "));
    throw new AppError("method_not_allowed", 405, "This API does not allow this method.");
  }
  const target = upstreamUrl(request.raw.url ?? "", route.prefix, route.upstream);
  if (target === undefined) throw new AppError("not_found", 404, "No such API route.");
  const length = Number(request.headers["content-length"] ?? 0);
  if (length > route.maxBodyBytes) {
    throw new AppError("payload_too_large", 413, "The request body is larger than this API accepts.");
  }
  const auth = request.server.sessions.current(request);
  const release = deps.limits.acquire(
    `${route.prefix} ${auth?.cacheKey ?? request.ip}`,
    route.rateLimitPerMinute,
    route.maxConcurrentPerSession,
  );
  reply.raw.once("close", release);
  const done = deps.metrics.time(route.prefix);
  try {
    const token = await tokenFor(request, route, deps, undefined);
    let response = await sendUpstream(request, route, { target, token, dispatcher: deps.dispatcher });
    try {
      const sent = await relayResponse(reply, route, response);
      done(response.statusCode);
      return sent;
    } catch (error) {
      // A refused token gets one forced refresh, when the request can be sent again (no body).
      if (
        !(error instanceof UpstreamUnauthorized) ||
        error.claims ||
        route.token !== "user" ||
        hasBody(request)
      ) {
        throw error;
      }
      const fresh = await tokenFor(request, route, deps, token);
      response = await sendUpstream(request, route, { target, token: fresh, dispatcher: deps.dispatcher });
      const sent = await relayResponse(reply, route, response);
      done(response.statusCode);
      return sent;
    }
  } catch (error) {
    done(error instanceof AppError ? error.statusCode : "error");
    if (error instanceof ReauthRequiredError) {
      // The refresh token itself is dead (revoked, expired): as for Graph, the session ends.
      await request.server.sessions.end(
        request,
        reply,
        "reauth_required",
        error.aadsts === undefined ? {} : { aadsts: error.aadsts },
      );
      rememberClaims(reply, deps.config.secureCookies, error.claims);
    }
    throw withLoginUrl(request, route, deps, error);
  }
}

async function tokenFor(
  request: FastifyRequest,
  route: ApiRoute,
  deps: ProxyDeps,
  rejected: string | undefined,
): Promise<string | undefined> {
  if (route.token === "none" || !route.resource) return undefined;
  try {
    if (route.token === "app") return await deps.appTokens.get(route.resource);
    const auth = request.server.sessions.current(request);
    if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
    return await request.server.auth.tokens.getAccessToken(auth, rejected, {
      id: resourceId(route.resource),
      scopes: route.scopes,
    });
  } catch (error) {
    const reason = error instanceof AppError ? error.code : "error";
    deps.metrics.tokenFailure(route.prefix, reason);
    throw error;
  }
}

/**
 * Consent and step-up keep the session: the answer is 401 consent_required / step_up_required
 * with the URL of the interactive step, and the audit log records it.
 */
function withLoginUrl(request: FastifyRequest, route: ApiRoute, deps: ProxyDeps, error: unknown): unknown {
  let needed: InteractionNeededError | undefined;
  if (error instanceof InteractionNeededError) needed = error;
  else if (error instanceof UpstreamUnauthorized && error.claims) {
    needed = new InteractionNeededError("step_up_required", route.scopes, error.claims);
  } else if (error instanceof UpstreamUnauthorized) {
    return new AppError("upstream_error", 502, "The API refused the access token.");
  }
  if (!needed) return error;
  const referer = request.headers.referer;
  const returnTo = returnToOf(typeof referer === "string" ? referer : undefined, deps.config.publicUrl);
  const oid = request.server.sessions.current(request)?.user.oid;
  request.log.info(
    { event: `api.${needed.kind}`, api: route.prefix, scopes: route.scopes, ...(oid ? { oid } : {}) },
    needed.kind === "consent_required" ? "an API needs the user's consent" : "an API needs step-up",
  );
  return new InteractionNeededError(needed.kind, needed.scopes, needed.claims, {
    cause: error,
    loginUrl: loginUrlFor(deps.basePath, needed, returnTo),
  });
}
