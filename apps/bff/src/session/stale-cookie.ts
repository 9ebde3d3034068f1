import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionCookie } from "./session-cookie.js";

/**
 * A session cookie that loaded no session (forged, expired, ended) is cleared under the one cookie
 * rule. It is also hidden for the rest of the request: were it left, @fastify/session (sign-in's
 * scope) would clear it itself with nothing but Path=/ — no HttpOnly, SameSite or Secure, so a
 * browser keeps a `__Host-` cookie.
 */
export function clearStaleCookie(request: FastifyRequest, reply: FastifyReply, cookie: SessionCookie): void {
  // Both names: the previous release's one may be what was sent (and adopted).
  cookie.clear(request, reply);
  delete request.cookies[cookie.name];
  if (cookie.legacy) delete request.cookies[cookie.legacy];
}
