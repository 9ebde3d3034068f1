import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { joseReason } from "./jose-reason.js";

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  tenantId: string;
  nonce: string;
}

/** Why an ID token was refused; the message is safe to show (it names no token content). */
export class IdTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IdTokenError";
  }
}

const CLOCK_SKEW_SECONDS = 120;

/**
 * Verifies ID tokens as OIDC Core §3.1.3.7 asks, beyond MSAL (which checks only the nonce):
 * RS256 signature against the tenant JWKS, iss, aud (+ azp), tid, exp/nbf/iat with small skew,
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
        issuer: expected.issuer,
        audience: expected.clientId,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ["exp", "iat"],
      }));
    } catch (error) {
      throw new IdTokenError(joseReason(error, "ID token"), { cause: error });
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat !== "number" || payload.iat > now + CLOCK_SKEW_SECONDS) {
      throw new IdTokenError("the ID token was issued in the future");
    }
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId) {
      throw new IdTokenError("the ID token names several audiences without this app as azp");
    }
    if (payload.tid !== expected.tenantId) throw new IdTokenError("the ID token is from another tenant");
    if (payload.nonce !== expected.nonce) throw new IdTokenError("the ID token's nonce does not match");
    return payload;
  };
}

export type IdTokenVerifier = ReturnType<typeof createIdTokenVerifier>;
