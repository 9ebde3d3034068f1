import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyRequest } from "fastify";
import type { LoggerOptions } from "pino";

/** Query parameters that carry secrets or one-time values and never reach the logs. */
const SENSITIVE_QUERY = new Set([
  "code",
  "state",
  "session_state",
  "id_token",
  "access_token",
  "client_info",
]);

/** Replaces the values of sensitive query parameters with "[redacted]"; keeps the rest readable. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const name = pair.split("=", 1)[0] ?? "";
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {}
      return SENSITIVE_QUERY.has(decoded.toLowerCase()) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join("&")}`;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The log's request id: the incoming `x-request-id` only when a proxy is trusted (it set the
 * header, not the client, who could otherwise pick ids that collide with other users' requests in
 * the logs) and it is well-formed (no log injection); else a random UUID.
 */
export function requestIdGenerator(trustsProxy: boolean): (req: IncomingMessage) => string {
  if (!trustsProxy) return () => randomUUID();
  return (req) => {
    const header = req.headers["x-request-id"];
    return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
  };
}

/** pino options: redaction of credentials wherever they might appear, and safe request lines. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        "req.headers.cookie",
        "req.headers.authorization",
        'res.headers["set-cookie"]',
        "headers.cookie",
        "headers.authorization",
        "*.accessToken",
        "*.refreshToken",
        "*.idToken",
        "*.clientSecret",
      ],
      censor: "[redacted]",
    },
    serializers: {
      req(req: FastifyRequest) {
        return {
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
        };
      },
    },
  };
}
