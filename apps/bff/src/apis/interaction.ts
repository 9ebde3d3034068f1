import { validClaims } from "../auth/claims-challenge.js";
import type { InteractionNeededError } from "../errors.js";

/**
 * The claims challenge of an API's `401` (`WWW-Authenticate: Bearer error="insufficient_claims",
 * claims="<base64 JSON>"`), decoded; undefined when the header is no such challenge.
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export function claimsChallengeOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(", ") : header;
  if (!value || !/^\s*Bearer\b/i.test(value)) return undefined;
  if (!/\berror\s*=\s*"?insufficient_claims"?/i.test(value)) return undefined;
  const encoded = /\bclaims\s*=\s*"([A-Za-z0-9+/=_-]{1,4096})"/i.exec(value)?.[1];
  if (!encoded) return undefined;
  return validClaims(Buffer.from(encoded, "base64").toString("utf8"));
}

/**
 * The same-origin URL that performs the interactive step: `/login` with exactly the API's scopes
 * (incremental consent), the claims challenge if any, and the page to come back to.
 */
export function loginUrlFor(basePath: string, error: InteractionNeededError, returnTo: string): string {
  const query = new URLSearchParams();
  if (error.scopes.length > 0) query.set("scopes", error.scopes.join(" "));
  if (error.claims) query.set("claims", error.claims);
  query.set("returnTo", returnTo);
  return `${basePath}/login?${query.toString()}`;
}

/** The page the user was on (from Referer, same origin only), else the app's root. */
export function returnToOf(referer: string | undefined, publicUrl: string): string {
  const base = new URL(publicUrl);
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    if (url.origin !== base.origin) return "/";
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
}
