import { validClaims } from "../auth/claims-challenge.js";
import { SignInError } from "../auth/login-service.js";

/**
 * `/login?scopes=…`: the extra scopes of an incremental consent. Only scopes of declared APIs are
 * accepted, so a crafted link cannot make the BFF ask a user to consent to anything else.
 */
export function requestedScopes(
  raw: string | undefined,
  declared: ReadonlySet<string>,
  returnTo: string,
): string[] {
  if (raw === undefined || raw.trim() === "") return [];
  const scopes = [...new Set(raw.trim().split(/\s+/))];
  const unknown = scopes.find((scope) => !declared.has(scope));
  if (unknown !== undefined) {
    throw new SignInError({ kind: "bad_request", reason: "a scope no declared API uses" }, returnTo);
  }
  return scopes;
}

/** `/login?claims=…`: a claims challenge must be a JSON object of sensible size. */
export function requestedClaims(raw: string | undefined, returnTo: string): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const claims = validClaims(raw);
  if (!claims)
    throw new SignInError({ kind: "bad_request", reason: "a malformed claims challenge" }, returnTo);
  return claims;
}
