import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@entra-bff/contracts";
import type { FastifyRequest } from "fastify";

/**
 * The CSRF rule of every /api call and of /logout: the custom `X-CSRF: 1` header (browsers cannot
 * send it cross-site without CORS, which the BFF never grants), plus Fetch Metadata and Origin:
 * a browser that says the request is not same-origin, or an Origin that is not the app's, fails.
 */
export function passesCsrfCheck(request: FastifyRequest, appOrigin: string): boolean {
  if (request.headers[CSRF_HEADER] !== CSRF_HEADER_VALUE) return false;
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = request.headers.origin;
  return origin === undefined || origin === appOrigin;
}

/**
 * The rule of read-only routes a browser opens without custom headers (EventSource cannot send
 * X-CSRF): the browser must say the request is same-origin (Sec-Fetch-Site), or send the app's
 * own Origin. A request that says neither is refused.
 */
export function isSameOriginRequest(request: FastifyRequest, appOrigin: string): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined) return site === "same-origin";
  return request.headers.origin === appOrigin;
}
