import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Agent } from "undici";
import type { AppConfig } from "../config.js";
import {
  AppError,
  InteractionNeededError,
  ReauthRequiredError,
  UpstreamUnauthorizedError,
} from "../errors.js";
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
      config: { csrf: true, session: route.session, ...(route.requires ? { requires: route.requires } : {}) },
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
  let attempts = 0;
  // One upstream call with `token`. A 401 with a claims challenge is a step-up; a plain 401 gets
  // withUserToken's one forced refresh and retry, unless the body is already spent.
  const attempt = async (token: string | undefined) => {
    attempts += 1;
    if (attempts > 1 && hasBody(request)) {
      throw new AppError("upstream_error", 502, "The API refused the access token.");
    }
    const response = await sendUpstream(request, route, { target, token, dispatcher: deps.dispatcher });
    try {
      const sent = await relayResponse(reply, route, response);
      done(response.statusCode);
      return sent;
    } catch (error) {
      if (!(error instanceof UpstreamUnauthorized)) throw error;
      if (error.claims) throw new InteractionNeededError("step_up_required", route.scopes, error.claims);
      if (route.token !== "user")
        throw new AppError("upstream_error", 502, "The API refused the access token.");
      throw new UpstreamUnauthorizedError(`The API at ${route.prefix}`);
    }
  };
  try {
    if (route.token === "user" && route.resource) {
      const resource = { id: resourceId(route.resource), scopes: route.scopes };
      return await request.server.withUserToken(request, reply, attempt, resource);
    }
    return await attempt(
      route.token === "app" && route.resource ? await deps.appTokens.get(route.resource) : undefined,
    );
  } catch (error) {
    done(error instanceof AppError ? error.statusCode : "error");
    if (error instanceof ReauthRequiredError || error instanceof InteractionNeededError) {
      deps.metrics.tokenFailure(route.prefix, error.code);
    }
    throw withLoginUrl(request, route, deps, error);
  }
}

/**
 * Consent and step-up keep the session: the answer is 401 consent_required / step_up_required
 * with the URL of the interactive step, and the audit log records it.
 */
function withLoginUrl(request: FastifyRequest, route: ApiRoute, deps: ProxyDeps, error: unknown): unknown {
  if (!(error instanceof InteractionNeededError)) return error;
  const needed = error;
  const referer = request.headers.referer;
  const returnTo = returnToOf(typeof referer === "string" ? referer : undefined, deps.config.publicUrl);
  const oid = request.server.sessions.current(request)?.user.oid;
  request.server.audit.apiInteractionNeeded(request, needed.kind, route, oid);
  return new InteractionNeededError(needed.kind, needed.scopes, needed.claims, {
    cause: error,
    loginUrl: loginUrlFor(deps.basePath, needed, returnTo),
  });
}
