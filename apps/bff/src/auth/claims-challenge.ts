import type { FastifyReply, FastifyRequest } from "fastify";
import type { CookiePolicy } from "../cookies.js";

/**
 * Carries an Entra claims challenge (Conditional Access, MFA step-up) from the API call that got
 * it to the next `/login`, which must pass it to the authorize request. It rides in a short-lived
 * HttpOnly cookie (`bff.claims`) because the session has already ended by then; it is a request
 * for stronger authentication, not a credential, so it only needs to be well-formed.
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
const MAX_CLAIMS_LENGTH = 2048;
const TTL_SECONDS = 10 * 60;

/** The claims challenge if it is a JSON object of sensible size, else undefined. */
export function validClaims(claims: string | undefined): string | undefined {
  if (!claims || claims.length > MAX_CLAIMS_LENGTH) return undefined;
  try {
    const parsed: unknown = JSON.parse(claims);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? claims : undefined;
  } catch {
    return undefined;
  }
}

export function rememberClaims(reply: FastifyReply, cookies: CookiePolicy, claims: string | undefined): void {
  const valid = validClaims(claims);
  if (!valid) return;
  cookies.set(reply, cookies.name("bff.claims"), Buffer.from(valid).toString("base64url"), TTL_SECONDS);
}

/** Reads and clears the remembered challenge (single use). */
export function takeClaims(
  request: FastifyRequest,
  reply: FastifyReply,
  cookies: CookiePolicy,
): string | undefined {
  const name = cookies.name("bff.claims");
  const raw = request.cookies[name];
  if (raw === undefined) return undefined;
  cookies.clear(reply, name);
  return validClaims(Buffer.from(raw, "base64url").toString("utf8"));
}
