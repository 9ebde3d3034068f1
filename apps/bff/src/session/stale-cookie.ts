import type { FastifyReply, FastifyRequest } from "fastify";
import type { CookiePolicy } from "../cookies.js";

/**
 * An onRequest hook, after @fastify/session's: a session cookie that loaded no session (forged,
 * expired, ended) is cleared under the one cookie rule. @fastify/session would clear it itself
 * with nothing but Path=/ — no HttpOnly, SameSite or Secure, so a browser keeps a `__Host-`
 * cookie — so the cookie is also hidden from it for the rest of the request.
 */
export function clearStaleSessionCookie(name: string, cookies: CookiePolicy) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const sent = request.cookies[name];
    if (sent === undefined || request.session?.encryptedSessionId === sent) return;
    cookies.clear(reply, name);
    delete request.cookies[name];
  };
}
