import type { IncomingHttpHeaders } from "node:http";
import { NEVER_FORWARDED } from "./api-config.js";

/** What every declared API receives from the browser's request, besides what the entry lists. */
const ALWAYS_FORWARDED = ["content-type", "accept", "accept-language", "if-match", "if-none-match", "range"];

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and what the upstream must never set in the browser:
 * dropped from the upstream's response.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "set-cookie",
  "set-cookie2",
  "strict-transport-security",
  "www-authenticate",
]);

/** The allowlisted request headers (never cookies, X-CSRF, Authorization, hop-by-hop ones). */
export function forwardedRequestHeaders(
  incoming: IncomingHttpHeaders,
  extra: readonly string[],
): Record<string, string> {
  // Headers named in Connection are hop-by-hop for this request too (RFC 9110 §7.6.1).
  const named = namedIn(incoming.connection);
  const headers: Record<string, string> = {};
  for (const name of extra.length === 0 ? ALWAYS_FORWARDED : [...ALWAYS_FORWARDED, ...extra]) {
    if (NEVER_FORWARDED.has(name) || named.has(name)) continue;
    const value = incoming[name];
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** The upstream's response headers the browser gets. */
export function forwardedResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = namedIn(upstream.connection);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    const lower = name.toLowerCase();
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(lower) || named.has(lower)) continue;
    headers[lower] = value;
  }
  return headers;
}

const NONE: ReadonlySet<string> = new Set();

/** The header names a Connection header lists (lower case); none without one. */
function namedIn(connection: string | string[] | undefined): ReadonlySet<string> {
  if (connection === undefined) return NONE;
  return new Set(
    String(connection)
      .split(",")
      .map((name) => name.trim().toLowerCase()),
  );
}
