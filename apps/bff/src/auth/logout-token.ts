import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { joseReason } from "./jose-reason.js";

/** The `events` member that makes a JWT a back-channel logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

const CLOCK_SKEW_SECONDS = 120;

/** Why a logout token was refused; safe to answer (names no token content). */
export class LogoutTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LogoutTokenError";
  }
}

/** What a valid logout token names: the IdP session and/or subject to sign out, and its `jti`. */
export interface LogoutRequest {
  sid?: string;
  sub?: string;
  jti: string;
  /** Epoch seconds: replays must be remembered until then (+ skew). */
  exp: number;
}

/**
 * Validates an OIDC Back-Channel Logout 1.0 token (§2.6) against the configured IdP's JWKS only:
 * signature (RS256), `iss`, `aud`, `iat`, `exp`, `jti`, the back-channel `events` member, `sid`
 * and/or `sub`, no `nonce`, and `typ` `logout+jwt` when present. `jti` single use is the caller's.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
export function createLogoutTokenVerifier(jwksUri: string, timeoutMs = 5000) {
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: timeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async function verifyLogoutToken(
    token: string,
    expected: { issuer: string; clientId: string },
  ): Promise<LogoutRequest> {
    let typ: unknown;
    try {
      typ = decodeProtectedHeader(token).typ;
    } catch (error) {
      throw new LogoutTokenError("the logout token is not a JWT", { cause: error });
    }
    if (typ !== undefined && !/^(application\/)?logout\+jwt$/i.test(String(typ))) {
      throw new LogoutTokenError('the logout token\'s "typ" is not logout+jwt');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ["RS256"],
        issuer: expected.issuer,
        audience: expected.clientId,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ["iat", "exp", "jti"],
      }));
    } catch (error) {
      throw new LogoutTokenError(joseReason(error, "logout token"), { cause: error });
    }
    return claimsOf(payload);
  };
}

export type LogoutTokenVerifier = ReturnType<typeof createLogoutTokenVerifier>;

function claimsOf(payload: JWTPayload): LogoutRequest {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== "number" || payload.iat > now + CLOCK_SKEW_SECONDS) {
    throw new LogoutTokenError("the logout token was issued in the future");
  }
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events && typeof events === "object" ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (!event || typeof event !== "object" || Array.isArray(event)) {
    throw new LogoutTokenError('the logout token has no back-channel logout "events" member');
  }
  if ("nonce" in payload) throw new LogoutTokenError('a logout token must not carry "nonce"');
  const sid = typeof payload.sid === "string" && payload.sid ? payload.sid : undefined;
  const sub = typeof payload.sub === "string" && payload.sub ? payload.sub : undefined;
  if (!sid && !sub) throw new LogoutTokenError('the logout token names neither "sid" nor "sub"');
  if (typeof payload.jti !== "string" || !payload.jti)
    throw new LogoutTokenError('the "jti" claim is missing');
  return { ...(sid ? { sid } : {}), ...(sub ? { sub } : {}), jti: payload.jti, exp: payload.exp as number };
}
