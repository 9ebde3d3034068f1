/**
 * A Web platform redirect, post-logout or front-channel URI: http(s) only, as Entra's app
 * registration requires for web apps. Anything else (`javascript:`, `data:`, `file:`) would be a
 * script or local-file target the emulator redirects or frames.
 */
export function isWebUri(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const { protocol } = new URL(uri);
  return protocol === "https:" || protocol === "http:";
}
