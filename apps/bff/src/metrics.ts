import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { AADSTS } from "./auth/aadsts.js";
import { SIGN_IN_FAILURE_KINDS, type SignInFailureKind } from "./auth/sign-in-error.js";
import { AppError } from "./errors.js";
import type { KeyValueStore } from "./session/kv-store.js";

/** Outcomes the auth code reports; each becomes a bounded label value. */
export type SignInOutcome =
  | { result: "success" }
  | { result: "failure"; kind: SignInFailureKind; aadsts?: number };
export type RefreshOutcome = "success" | "failure";

/** The BFF's own metrics, in a registry of its own (two apps in one process never collide). */
export interface BffMetrics {
  readonly registry: Registry;
  signIn(outcome: SignInOutcome): void;
  tokenRefresh(outcome: RefreshOutcome): void;
  sessionEnded(reason: string): void;
  /** A declared API needed the user's consent or a step-up (the session stayed). */
  apiInteraction(api: string, kind: string): void;
  /** Times one session-store operation; counts it as an error when it rejects. */
  timeStore<T>(operation: string, run: () => Promise<T>): Promise<T>;
}

declare module "fastify" {
  interface FastifyInstance {
    metrics: BffMetrics;
  }
}

/** The AADSTS label: a code this app knows (a bounded set), "other" for the rest, "none" without. */
export function aadstsLabel(code: number | undefined): string {
  if (code === undefined) return "none";
  return Object.hasOwn(AADSTS, code) ? String(code) : "other";
}

/** The `kind` label's values: the sign-in failure kinds, one list (auth/sign-in-error.ts). */
const FAILURE_KINDS: ReadonlySet<string> = new Set(SIGN_IN_FAILURE_KINDS);

/**
 * Creates the metric families. `activeSessions` is asked on each scrape (one SCAN on Redis:
 * cheap at scrape intervals, never on the request path).
 */
export function createMetrics(options: { activeSessions?: () => Promise<number> } = {}): BffMetrics {
  const registry = new Registry();
  const signIns = new Counter({
    name: "bff_sign_ins_total",
    help: "Completed sign-in callbacks by result, failure kind and AADSTS code.",
    labelNames: ["result", "kind", "aadsts"] as const,
    registers: [registry],
  });
  const refreshes = new Counter({
    name: "bff_token_refreshes_total",
    help: "Refresh-token redemptions by result.",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const apiInteractions = new Counter({
    name: "bff_api_interactions_total",
    help: "Declared API calls that needed the user's consent or a step-up, by API prefix and kind.",
    labelNames: ["api", "kind"] as const,
    registers: [registry],
  });
  const sessionsEnded = new Counter({
    name: "bff_sessions_ended_total",
    help: "Sessions ended on the server, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: "bff_session_store_errors_total",
    help: "Session-store operations that failed, by operation.",
    labelNames: ["operation"] as const,
    registers: [registry],
  });
  const storeDuration = new Histogram({
    name: "bff_session_store_operation_duration_seconds",
    help: "Session-store operation latency, by operation.",
    labelNames: ["operation"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  new Gauge({
    name: "bff_active_sessions",
    help: "Live sessions in the session store (all instances when it is Redis).",
    registers: [registry],
    async collect() {
      if (!options.activeSessions) return;
      try {
        this.set(await options.activeSessions());
      } catch {
        // The store is down: the error counter says so; the scrape itself still succeeds.
      }
    },
  });

  return {
    registry,
    signIn(outcome) {
      if (outcome.result === "success") {
        signIns.inc({ result: "success", kind: "none", aadsts: "none" });
        return;
      }
      signIns.inc({
        result: "failure",
        kind: FAILURE_KINDS.has(outcome.kind) ? outcome.kind : "other",
        aadsts: aadstsLabel(outcome.aadsts),
      });
    },
    tokenRefresh: (result) => refreshes.inc({ result }),
    sessionEnded: (reason) => sessionsEnded.inc({ reason }),
    apiInteraction: (api, kind) => apiInteractions.inc({ api, kind }),
    async timeStore(operation, run) {
      const end = storeDuration.startTimer({ operation });
      try {
        return await run();
      } catch (error) {
        storeErrors.inc({ operation });
        throw error;
      } finally {
        end();
      }
    },
  };
}

/** Wraps a store so every operation is timed and its failures counted; behaviour is unchanged. */
export function instrumentStore(store: KeyValueStore, metrics: BffMetrics): KeyValueStore {
  return {
    kind: store.kind,
    get: (key) => metrics.timeStore("get", () => store.get(key)),
    set: (key, value, ttlMs) => metrics.timeStore("set", () => store.set(key, value, ttlMs)),
    delete: (key) => metrics.timeStore("delete", () => store.delete(key)),
    take: (key) => metrics.timeStore("take", () => store.take(key)),
    setIfAbsent: (key, value, ttlMs) =>
      metrics.timeStore("setIfAbsent", () => store.setIfAbsent(key, value, ttlMs)),
    deleteIfEquals: (key, value) =>
      metrics.timeStore("deleteIfEquals", () => store.deleteIfEquals(key, value)),
    update: (key, value, ttlMs) => metrics.timeStore("update", () => store.update(key, value, ttlMs)),
    extend: (key, ttlMs) => metrics.timeStore("extend", () => store.extend(key, ttlMs)),
    setUnlessTombstoned: (key, value, ttlMs, tombstone) =>
      metrics.timeStore("setUnlessTombstoned", () => store.setUnlessTombstoned(key, value, ttlMs, tombstone)),
    deleteWithTombstone: (keys, tombstone, ttlMs) =>
      metrics.timeStore("deleteWithTombstone", () => store.deleteWithTombstone(keys, tombstone, ttlMs)),
    addCapped: (namespace, id, value, ttlMs, cap) =>
      metrics.timeStore("addCapped", () => store.addCapped(namespace, id, value, ttlMs, cap)),
    getCapped: (namespace, id) => metrics.timeStore("getCapped", () => store.getCapped(namespace, id)),
    takeCapped: (namespace, id) => metrics.timeStore("takeCapped", () => store.takeCapped(namespace, id)),
    indexPut: (index, member, ttlMs, extendOnly) =>
      metrics.timeStore("indexPut", () => store.indexPut(index, member, ttlMs, extendOnly)),
    indexList: (index, prefix) => metrics.timeStore("indexList", () => store.indexList(index, prefix)),
    indexRemove: (index, prefixes) =>
      metrics.timeStore("indexRemove", () => store.indexRemove(index, prefixes)),
    keys: (prefix) => metrics.timeStore("keys", () => store.keys(prefix)),
    ping: () => metrics.timeStore("ping", () => store.ping()),
    count: (prefix) => metrics.timeStore("count", () => store.count(prefix)),
    close: () => store.close(),
  };
}

export interface MetricsPluginOptions {
  metrics: BffMetrics;
  /**
   * Bearer token that guards `GET /metrics` (METRICS_TOKEN). Without one the route does not
   * exist: metrics are never public by accident.
   */
  token?: string;
}

/**
 * Decorates `metrics`, records every request's duration by route pattern (never the raw URL, so
 * label cardinality stays bounded) and status, and serves `GET /metrics` in Prometheus format
 * to holders of the bearer token.
 * @see https://github.com/siimon/prom-client
 */
export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app: FastifyInstance, { metrics, token }) => {
    const durations = new Histogram({
      name: "bff_http_request_duration_seconds",
      help: "HTTP request duration by method, route pattern and status code.",
      labelNames: ["method", "route", "status_code"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
    app.decorate("metrics", metrics);
    app.addHook("onResponse", (request, reply, done) => {
      durations.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? "unmatched",
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });

    if (token) {
      // Process metrics only when someone can read them (they add an event-loop monitor).
      collectDefaultMetrics({ register: metrics.registry });
      const expected = digest(`Bearer ${token}`);
      app.get("/metrics", { logLevel: "warn" }, async (request, reply) => {
        if (!authorized(request, expected)) {
          reply.header("www-authenticate", 'Bearer realm="metrics"');
          throw new AppError("unauthenticated", 401, "A valid metrics bearer token is required.");
        }
        reply.header("cache-control", "no-store").type(metrics.registry.contentType);
        return metrics.registry.metrics();
      });
    }
    app.addHook("onClose", async () => metrics.registry.clear());
  },
  { name: "metrics" },
);

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant-time comparison of hashes, so the token's length and prefix do not leak. */
function authorized(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization;
  return typeof header === "string" && timingSafeEqual(digest(header), expected);
}
