import type { FastifyReply } from "fastify";

/**
 * Every cookie the BFF sets follows one rule: HttpOnly, SameSite=Lax (so the redirect back from
 * Entra carries it), Path=/, no Domain; with an https PUBLIC_URL also Secure and the `__Host-`
 * prefix (`__Host-Http-` for the session cookie), which the browser only accepts with exactly
 * those attributes. Clearing a cookie sends the same attributes: a browser ignores a `__Host-`
 * clear without Secure and keeps the cookie.
 * Built once from the configuration (app.ts) and handed to the plugins that set cookies.
 */
export interface CookiePolicy {
  readonly secure: boolean;
  /** The cookie's full name: `__Host-<base>` when secure. */
  name(base: string): string;
  /**
   * The full name of a cookie that must stay HttpOnly and server-set: `__Host-Http-<base>` when
   * secure (RFC 6265bis; the browser refuses it from script or without HttpOnly), else `<base>`.
   */
  httpOnlyName(base: string): string;
  /** The attributes every BFF cookie is set and cleared with. */
  readonly options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean };
  /** Sets `name` (already a full name from `name()`) for `maxAgeSeconds`. */
  set(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void;
  /** Clears `name` with the attributes it was set with (Max-Age=0 and an Expires in the past). */
  clear(reply: FastifyReply, name: string): void;
}

export function createCookiePolicy(secure: boolean): CookiePolicy {
  const options = { httpOnly: true as const, sameSite: "lax" as const, path: "/" as const, secure };
  return {
    secure,
    options,
    name: (base) => (secure ? `__Host-${base}` : base),
    httpOnlyName: (base) => (secure ? `__Host-Http-${base}` : base),
    set(reply, name, value, maxAgeSeconds) {
      reply.setCookie(name, value, { ...options, maxAge: maxAgeSeconds });
    },
    clear(reply, name) {
      reply.clearCookie(name, options);
    },
  };
}
