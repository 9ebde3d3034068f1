import { errors, type JWTPayload, jwtVerify } from "jose";
import { DEFAULT_SCOPE, type TasksApiOptions } from "../options.js";
import { acrsClaimsChallenge, BearerError } from "./bearer-error.js";
import { KeysUnavailableError, lazyTrust } from "./trust.js";

/** The caller, as the API knows them after validating their access token. */
export interface Principal {
  /** `tid:oid`: the key of the user's tasks (an oid is unique only within its tenant). */
  userKey: string;
  oid: string;
  tid: string;
  scopes: string[];
  /** The token's `exp` (epoch seconds): an event stream ends with it. */
  expiresAt: number;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TOKEN_LENGTH = 16_384;

function invalid(message: string): BearerError {
  return new BearerError("invalid_token", message);
}

/** jose's verdict as a fixed, client-safe description; a key-fetch failure is ours, not the caller's. */
function mapVerifyError(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return invalid("The access token has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return invalid("The access token is for another audience, not this API.");
    if (error.claim === "nbf" && error.reason === "check_failed") {
      return invalid("The access token is not valid yet.");
    }
    return invalid(`The access token has a missing or invalid ${error.claim} claim.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalid("The access token's signing algorithm is not accepted (RS256 only).");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid("The access token's signature is invalid.");
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid("The access token was not signed by a key of the tenant.");
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new KeysUnavailableError(error);
  }
  if (error instanceof errors.JOSEError) return invalid("The access token is malformed.");
  return new KeysUnavailableError(error);
}

function scopesOf(payload: JWTPayload): string[] {
  return typeof payload.scp === "string" ? payload.scp.split(" ").filter(Boolean) : [];
}

/**
 * Validates an Entra ID v2.0 access token as a resource server must: RS256 signature by a key of
 * the tenant, `aud` = this API's client id, `exp`/`nbf` with a small skew, `tid` an allowed
 * tenant, `iss` that tenant's issuer, `scp` holding the required scope, and (optionally) an
 * authentication context in `acrs`. Throws {@link BearerError} (or {@link KeysUnavailableError}).
 */
export function createTokenVerifier(options: TasksApiOptions): (token: string) => Promise<Principal> {
  const trust = lazyTrust(options);
  const audience = options.clientId.toLowerCase();
  const tenants = new Set(options.tenantIds.map((id) => id.toLowerCase()));
  const requiredScope = options.requiredScope ?? DEFAULT_SCOPE;
  const clockTolerance = options.clockToleranceSeconds ?? 60;

  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
      throw invalid("The access token is malformed.");
    }
    const { keys, issuerFor } = await trust();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ["RS256"],
        audience,
        clockTolerance,
        requiredClaims: ["exp", "nbf", "tid", "iss"],
      }));
    } catch (error) {
      throw mapVerifyError(error);
    }
    const tid = typeof payload.tid === "string" ? payload.tid.toLowerCase() : "";
    if (!tenants.has(tid))
      throw invalid("The access token was issued for a tenant this API does not accept.");
    if (payload.iss !== issuerFor(tid)) throw invalid("The access token's issuer is not accepted.");
    const scopes = scopesOf(payload);
    if (!scopes.includes(requiredScope)) {
      throw new BearerError("insufficient_scope", `The access token lacks the scope ${requiredScope}.`, {
        scope: requiredScope,
      });
    }
    if (typeof payload.oid !== "string" || !GUID.test(payload.oid)) {
      throw invalid("The access token names no user (oid).");
    }
    const acrs = options.requireAcrs;
    if (acrs && !(Array.isArray(payload.acrs) && payload.acrs.includes(acrs))) {
      throw new BearerError("insufficient_claims", `This API needs the authentication context ${acrs}.`, {
        claims: acrsClaimsChallenge(acrs),
      });
    }
    const oid = payload.oid.toLowerCase();
    return { userKey: `${tid}:${oid}`, oid, tid, scopes, expiresAt: payload.exp as number };
  };
}
