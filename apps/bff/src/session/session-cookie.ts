import type { FastifyReply, FastifyRequest } from "fastify";
import type { CookiePolicy } from "../cookies.js";

/**
 * The session cookie's names. With an https PUBLIC_URL it is `__Host-Http-bff.sid`: the browser
 * refuses that prefix unless the cookie is Secure, Path=/, without Domain, HttpOnly and set by a
 * server response, so page script can neither read nor plant one. The previous release named it
 * `__Host-bff.sid` (`legacy`); while a fleet can mix both releases, a live session carries both
 * names and either one loads it. The next release can drop `legacy` entirely.
 */
export interface SessionCookie {
  /** The name @fastify/session reads and writes. */
  readonly name: string;
  /** The previous release's name, in https mode only. */
  readonly legacy: string | undefined;
  /** onRequest, after @fastify/cookie and before @fastify/session: the old name stands in for the new. */
  adoptLegacy(request: FastifyRequest): void;
  /** Clears every name this request's browser may hold, and stops mirroring for this reply. */
  clear(request: FastifyRequest, reply: FastifyReply): void;
  /**
   * onSend: a live session whose cookie the browser lacks under either name gets it set there
   * (the signed id, Max-Age = the session's remaining absolute lifetime).
   */
  mirror(request: FastifyRequest, reply: FastifyReply, session: MirroredSession, now: number): void;
  /** Sets the cookie again (signed with the newest secret after a rotation), Max-Age = what is left. */
  reissue(reply: FastifyReply, signedId: string, expiresAt: number, now: number): void;
}

/** The session being mirrored: its signed id, its end, whether sign-in set its cookie just now. */
interface MirroredSession {
  signedId: string;
  auth: { expiresAt: number };
  created?: boolean;
}

export function createSessionCookie(cookies: CookiePolicy, base = "bff.sid"): SessionCookie {
  const name = cookies.httpOnlyName(base);
  const legacy = cookies.name(base) === name ? undefined : cookies.name(base);
  /** What the browser sent under each name, before adoptLegacy copied anything. */
  const sent = new WeakMap<FastifyRequest, { current?: string; old?: string }>();
  const cleared = new WeakSet<FastifyRequest>();
  return {
    name,
    legacy,
    adoptLegacy(request) {
      if (!legacy) return;
      const current = request.cookies[name];
      const old = request.cookies[legacy];
      sent.set(request, { current, old });
      // The signature covers only the session id, so the old name's value verifies as is.
      if (current === undefined && old !== undefined) request.cookies[name] = old;
    },
    clear(request, reply) {
      cleared.add(request);
      cookies.clear(reply, name);
      if (legacy) cookies.clear(reply, legacy);
    },
    reissue(reply, signedId, expiresAt, now) {
      const maxAge = Math.floor((expiresAt - now) / 1000);
      if (maxAge > 0) cookies.set(reply, name, signedId, maxAge);
    },
    mirror(request, reply, { signedId: id, auth, created }, now) {
      if (!legacy || cleared.has(request)) return;
      const maxAge = Math.floor((auth.expiresAt - now) / 1000);
      if (maxAge <= 0) return;
      const browser = sent.get(request) ?? {};
      // @fastify/session sets `name` itself for a session the sign-in just created.
      if (browser.current !== id && !created && !setsCookie(reply, name))
        cookies.set(reply, name, id, maxAge);
      if (browser.old !== id) cookies.set(reply, legacy, id, maxAge);
    },
  };
}

function setsCookie(reply: FastifyReply, name: string): boolean {
  const header = reply.getHeader("set-cookie");
  const values = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return values.some((value) => value.startsWith(`${name}=`));
}
