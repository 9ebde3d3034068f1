import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionCookie } from "./session-cookie.js";

/**
 * An onRequest hook, after @fastify/session's: a session cookie that loaded no session (forged,
 * expired, ended) is cleared under the one cookie rule. @fastify/session would clear it itself
 * with nothing but Path=/ — no HttpOnly, SameSite or Secure, so a browser keeps a `__Host-`
 * cookie — so the cookie is also hidden from it for the rest of the request.
 */
export function clearStaleSessionCookie(cookie: SessionCookie) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const sent = request.cookies[cookie.name];
    if (sent === undefined || request.session?.encryptedSessionId === sent) return;
    // Both names: the previous release's one may be what was sent (and adopted).
    cookie.clear(request, reply);
    delete request.cookies[cookie.name];
    if (cookie.legacy) delete request.cookies[cookie.legacy];
  };
}
