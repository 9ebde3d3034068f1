import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { joseReason } from "./jose-reason.js";

export interface IdTokenExpectations {
  /** The tenant's issuer, or the templated `…/{tenantid}/v2.0` of /organizations and /common. */
  issuer: string;
  /** Other forms the same tenant's issuer takes (External ID; see externalIdIssuers). */
  alsoIssuers?: readonly string[];
  clientId: string;
  /** The tenant GUID `tid` must hold; undefined for a multi-tenant app (its allowlist decides). */
  tenantId: string | undefined;
  /** The sign-in's nonce; undefined for an ID token that comes with a refresh (it carries none). */
  nonce: string | undefined;
  /**
   * An ID token that just came back from the token endpoint (refresh), over TLS: its times are
   * Entra's clock, so exp/iat are not held against ours (OIDC Core §12.2 asks iss/aud/sub match).
   */
  fromTokenEndpoint?: boolean;
}

const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The issuer this token must name: a templated issuer is filled in with the token's own `tid`
 * (a GUID), so a token of tenant A can never pass as tenant B's.
 * @see https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer
 */
export function expectedIssuer(issuer: string, tid: unknown): string | undefined {
  if (!issuer.includes("{tenantid}")) return issuer;
  return typeof tid === "string" && TENANT_GUID.test(tid) ? issuer.replaceAll("{tenantid}", tid) : undefined;
}

/** Why an ID token was refused; the message is safe to show (it names no token content). */
export class IdTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IdTokenError";
  }
}

const CLOCK_SKEW_SECONDS = 120;
/** A day: a refreshed ID token is checked for who it is about, not for our clock's opinion. */
const TOKEN_ENDPOINT_TOLERANCE_SECONDS = 86_400;

/**
 * Verifies ID tokens as OIDC Core §3.1.3.7 asks, beyond MSAL (which checks only the nonce):
 * RS256 signature against the tenant JWKS, iss (templated for multi-tenant apps), aud (+ azp), tid, exp/nbf/iat with small skew,
 * nonce. The JWKS is cached; an unknown `kid` triggers one refetch, subject to a cooldown.
 */
export function createIdTokenVerifier(jwksUri: string, timeoutMs = 5000) {
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: timeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        algorithms: ["RS256"],
        audience: expected.clientId,
        clockTolerance: expected.fromTokenEndpoint ? TOKEN_ENDPOINT_TOLERANCE_SECONDS : CLOCK_SKEW_SECONDS,
        requiredClaims: ["exp", "iat"],
      }));
    } catch (error) {
      throw new IdTokenError(joseReason(error, "ID token"), { cause: error });
    }
    const issuers = [expected.issuer, ...(expected.alsoIssuers ?? [])];
    if (payload.iss === undefined || !issuers.some((i) => expectedIssuer(i, payload.tid) === payload.iss)) {
      throw new IdTokenError(`the ID token's "iss" claim is not valid`);
    }
    const now = Math.floor(Date.now() / 1000);
    const skew = expected.fromTokenEndpoint ? TOKEN_ENDPOINT_TOLERANCE_SECONDS : CLOCK_SKEW_SECONDS;
    if (typeof payload.iat !== "number" || payload.iat > now + skew) {
      throw new IdTokenError("the ID token was issued in the future");
    }
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId) {
      throw new IdTokenError("the ID token names several audiences without this app as azp");
    }
    if (expected.tenantId !== undefined && payload.tid !== expected.tenantId) {
      throw new IdTokenError("the ID token is from another tenant");
    }
    if (expected.nonce !== undefined && payload.nonce !== expected.nonce)
      throw new IdTokenError("the ID token's nonce does not match");
    return payload;
  };
}

export type IdTokenVerifier = ReturnType<typeof createIdTokenVerifier>;
