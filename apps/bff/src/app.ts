import rateLimit from "@fastify/rate-limit";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type RouteOptions,
} from "fastify";
import type { DestinationStream } from "pino";
import { declaredResourceIds } from "./apis/scopes.js";
import { auditPlugin } from "./audit.js";
import { authPlugin } from "./auth/auth-plugin.js";
import { userTokenPlugin } from "./auth/user-token.js";
import type { AppConfig } from "./config.js";
import { createCookiePolicy } from "./cookies.js";
import { errorHandler } from "./error-handler.js";
import { AppError } from "./errors.js";
import {
  answerRawRequests,
  clientErrorHandler,
  frameworkErrorHandler,
  requireHostHeader,
} from "./framework-errors.js";
import { graphPlugin } from "./graph/graph-plugin.js";
import { lifecyclePlugin } from "./lifecycle.js";
import { loggerOptions, requestIdGenerator } from "./logging.js";
import { createMetrics, instrumentStore, metricsPlugin } from "./metrics.js";
import { apiRoutes } from "./routes/api/index.js";
import { authRoutes } from "./routes/auth.js";
import { backchannelLogoutRoute } from "./routes/backchannel-logout.js";
import { frontchannelLogoutRoute } from "./routes/frontchannel-logout.js";
import { healthRoutes } from "./routes/health.js";
import { requirementsPlugin } from "./routes/requirements.js";
import { securityHeaders, securityPlugin } from "./security.js";
import { kvPlugin } from "./session/kv-plugin.js";
import type { KeyValueStore } from "./session/kv-store.js";
import { createMemoryStore } from "./session/memory-store.js";
import { createRedisStore } from "./session/redis-store.js";
import { syncRecordCache } from "./session/session-cache-sync.js";
import { sessionEventsPlugin } from "./session/session-events.js";
import { SESSION_KEY_PREFIX, tombstoneTtlMs } from "./session/session-keys.js";
import { type SessionTiming, sessionPlugin } from "./session/session-plugin.js";
import { createSessionRecordCache } from "./session/session-record-cache.js";
import { spaPlugin } from "./spa.js";
import {
  createMemoryBroadcast,
  createRedisBroadcast,
  type SessionBroadcast,
} from "./user-sessions/broadcast.js";
import { userSessionsPlugin } from "./user-sessions/plugin.js";

export type { AppConfig } from "./config.js";

export interface BuildAppOptions {
  /** The server-side store; default: Redis when config.redis is set, else memory. */
  store?: KeyValueStore;
  /** A ready pino logger (server.ts); otherwise one is built from config.logLevel. */
  logger?: FastifyBaseLogger;
  /** Where the built logger writes (tests capture logs with it). */
  logStream?: DestinationStream;
  /** Session touch interval and clock (tests). */
  sessionTiming?: SessionTiming;
  /** Where "session ended" is announced; default: Redis pub/sub with Redis, else in-process. */
  sessionBroadcast?: SessionBroadcast;
  /** OpenTelemetry's plugin (telemetry/otel.ts), only when tracing is configured. */
  tracing?: FastifyPluginAsync;
  /**
   * More routes under /api, behind the same requirement hooks (csrf, session, requires): for
   * embedding apps and tests.
   */
  apiPlugins?: FastifyPluginAsync[];
  /** Sees each route as it is registered (tests list the route table with it). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * Chooses the KV store: Redis when REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS is set
 * (shared by all instances), else memory.
 */
export function createStore(config: AppConfig, logger?: FastifyBaseLogger): KeyValueStore {
  if (!config.redis) return createMemoryStore({ maxEntries: config.memoryStoreMaxKeys });
  return createRedisStore({ ...config.redis, ...(logger ? { logger } : {}) });
}

/** Session-ended announcements: Redis pub/sub across instances, or in-process with memory. */
export function createSessionBroadcast(config: AppConfig, logger?: FastifyBaseLogger): SessionBroadcast {
  if (!config.redis) return createMemoryBroadcast();
  return createRedisBroadcast({ ...config.redis, ...(logger ? { logger } : {}) });
}

/** Fastify's types lack the hop count proxy-addr supports: trust the nearest `hops` addresses. */
function trustProxySetting(
  value: AppConfig["trustProxy"],
): false | string[] | ((a: string, i: number) => boolean) {
  if (typeof value !== "number") return value;
  return (_address, hop) => hop < value;
}

/** The BFF reads no large bodies: only POST /logout takes a (bodiless) request. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the BFF from a typed config, without listening (tests use `inject`). */
export async function buildApp(config: AppConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const headers = securityHeaders(config.secureCookies);
  const cookies = createCookiePolicy(config.secureCookies);
  const tombstoneMs = tombstoneTtlMs(config.idpTimeoutMs);
  const app = Fastify({
    ...(options.logger
      ? { loggerInstance: options.logger }
      : {
          logger: {
            ...loggerOptions(config.logLevel),
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
        }),
    genReqId: requestIdGenerator(config.trustProxy !== false),
    requestIdHeader: false,
    trustProxy: trustProxySetting(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorHandler(headers),
    clientErrorHandler: clientErrorHandler(headers),
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  app.setErrorHandler(errorHandler);
  answerRawRequests(app.server, headers);
  // First, so each request's span is the parent of everything the request does.
  if (options.tracing) await app.register(options.tracing);
  await app.register(lifecyclePlugin);
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    // Shutting down: keep-alive clients reconnect, through the load balancer, to another instance.
    if (app.lifecycle.draining) reply.header("connection", "close");
    done(null, payload);
  });

  const store = options.store ?? createStore(config, options.logger);
  const metrics = createMetrics({ activeSessions: () => instrumented.count(SESSION_KEY_PREFIX) });
  const instrumented = instrumentStore(store, metrics);
  // First, so its onResponse hook times every route.
  await app.register(metricsPlugin, {
    metrics,
    ...(config.metricsToken ? { token: config.metricsToken } : {}),
  });
  await app.register(securityPlugin, { headers });
  // After the security headers' hook, so this 400 carries them too.
  app.addHook("onRequest", requireHostHeader);
  await app.register(auditPlugin);
  await app.register(kvPlugin, { store: instrumented });
  await app.register(sessionEventsPlugin);
  const broadcast = options.sessionBroadcast ?? createSessionBroadcast(config, options.logger);
  // With Redis, parsed session records are kept ≤ 1 s, dropped on every instance at each change.
  const cached = config.redis ? syncRecordCache(createSessionRecordCache(), broadcast) : undefined;
  await app.register(userSessionsPlugin, { config, events: cached?.broadcast ?? broadcast });
  await app.register(authPlugin, {
    idp: config.idp,
    redirectUri: config.redirectUri,
    postLogoutRedirectUri: config.postLogoutRedirectUri,
    idpTimeoutMs: config.idpTimeoutMs,
    tokenCacheTtlMs: config.sessionIdleMs,
    tombstoneMs,
    preLoginMax: config.preLoginMax,
    graphTimeoutMs: config.graphTimeoutMs,
    resourceIds: declaredResourceIds(config.apis),
  });
  await app.register(graphPlugin, { baseUrl: config.idp.graphBaseUrl, timeoutMs: config.graphTimeoutMs });
  await app.register(healthRoutes);

  // Routes that use the session cookie; static files and health checks never touch the store.
  await app.register(async (scope) => {
    await scope.register(sessionPlugin, {
      cookies,
      resourceIds: declaredResourceIds(config.apis),
      secrets: config.sessionSecrets,
      idleMs: config.sessionIdleMs,
      absoluteMs: config.sessionAbsoluteMs,
      tombstoneMs,
      ...(options.sessionTiming ? { timing: options.sessionTiming } : {}),
      ...(cached ? { recordCache: cached } : {}),
    });
    await scope.register(userTokenPlugin, { cookies });
    await scope.register(rateLimit, {
      global: false,
      // Counted per IPv4 address, per IPv6 /64: one subscriber gets a whole /64 for free.
      ipv6Subnet: 64,
      errorResponseBuilder: (_request, context) =>
        new AppError("rate_limited", 429, "Too many requests; try again later.", {
          retryAfter: Math.ceil(context.ttl / 1000),
        }),
    });
    // config.csrf and config.session of every route below, checked once the session is loaded.
    await scope.register(requirementsPlugin, { appOrigin: new URL(config.publicUrl).origin });
    scope.addHook("onSend", (_request, reply, payload, done) => {
      reply.header("cache-control", "no-store");
      done(null, payload);
    });
    await scope.register(authRoutes, {
      cookies,
      secrets: config.sessionSecrets,
      rateLimitPerMinute: config.authRateLimitPerMinute,
      declaredScopes: new Set(config.apis.filter((api) => api.token === "user").flatMap((api) => api.scopes)),
    });
    await scope.register(frontchannelLogoutRoute, { config });
    await scope.register(backchannelLogoutRoute, { config });
    await scope.register(apiRoutes, {
      prefix: "/api",
      emulator: config.idp.emulator,
      sessionIdleMs: config.sessionIdleMs,
      plugins: options.apiPlugins ?? [],
      config,
    });
  });

  await app.register(spaPlugin, { distDir: config.webDistDir });
  return app;
}
