// What the BFF does on every request by policy, not by mechanism, for the "floor + duties" target
// (floor.ts): built from the BFF's own modules where they exist, so the comparison is like for like.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { Histogram, Registry } from "prom-client";
import { loggerOptions } from "../../../apps/bff/src/logging.js";
import { securityHeaders } from "../../../apps/bff/src/security.js";
import { PROFILE_FIELDS } from "../../../packages/contracts/src/profile.js";

/** Fastify with the BFF's logger (level warn, as the bench runs the BFF), headers and metrics. */
export function dutifulFastify(): FastifyInstance {
  const app = Fastify({
    loggerInstance: pino(loggerOptions("warn")),
    genReqId: () => randomUUID(),
  });
  const headers = { ...securityHeaders(false), "cache-control": "no-store" };
  const registry = new Registry();
  const durations = new Histogram({
    name: "http_request_duration_seconds",
    help: "as the BFF's",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(headers);
    reply.header("x-request-id", request.id);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status_code: String(reply.statusCode),
    };
    durations.observe(labels, reply.elapsedTime / 1000);
    done();
  });
  return app as unknown as FastifyInstance;
}

/** Graph's answer reduced to the profile fields the SPA shows (the BFF never relays the rest). */
export function profileOf(text: string): Record<string, unknown> {
  const raw = JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(PROFILE_FIELDS.map((field) => [field, raw[field] ?? null]));
}
