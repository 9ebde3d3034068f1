/**
 * Every cookie the BFF sets follows one rule: HttpOnly, SameSite=Lax (so the redirect back from
 * Entra carries it), Path=/, no Domain; with an https PUBLIC_URL also Secure and the `__Host-`
 * prefix, which the browser only accepts with exactly those attributes.
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

export function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure };
}
