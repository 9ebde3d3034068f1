import type { FastifyReply } from "fastify";

/**
 * Every cookie the BFF sets follows one rule: HttpOnly, SameSite=Lax (so the redirect back from
 * Entra carries it), Path=/, no Domain; with an https PUBLIC_URL also Secure and the `__Host-`
 * prefix, which the browser only accepts with exactly those attributes. Clearing a cookie sends
 * the same attributes: a browser ignores a `__Host-` clear without Secure and keeps the cookie.
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

export function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure };
}

/** Sets `name` (already prefixed by cookieName) under the one rule, for `maxAgeSeconds`. */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  secure: boolean,
  maxAgeSeconds: number,
): void {
  reply.setCookie(name, value, { ...cookieOptions(secure), maxAge: maxAgeSeconds });
}

/** Clears `name` with the attributes it was set with (Max-Age=0 and an Expires in the past). */
export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  reply.clearCookie(name, cookieOptions(secure));
}
