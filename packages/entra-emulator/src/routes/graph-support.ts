import type { FastifyRequest } from "fastify";
import { decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import { GraphError } from "../errors.js";
import { GRAPH_APP_ID, GRAPH_RESOURCE } from "../scopes.js";
import type { EmulatorState } from "../state.js";

/** Delegated permissions that let the signed-in user read other users (User.Read alone does not). */
const READ_OTHERS_SCOPES = [
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
];
/** Delegated permissions that let the signed-in user read their own profile. */
const READ_SELF_SCOPES = ["User.Read", "User.ReadWrite", ...READ_OTHERS_SCOPES];
/** Application permissions (app-only `roles`) that let an app read users. */
const READ_USERS_ROLES = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All"];
const WWW_AUTHENTICATE = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;

function unauthorized(message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, { "www-authenticate": WWW_AUTHENTICATE });
}

/** Validates the bearer token as Graph does: signature (tenant keys), lifetime, audience, tenant. */
export async function authenticate(state: EmulatorState, request: FastifyRequest): Promise<JWTPayload> {
  const header = request.headers.authorization ?? "";
  const token = header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : "";
  if (!token) throw unauthorized("Access token is empty.");
  if (token.split(".").length !== 3)
    throw unauthorized("IDX14100: JWT is not well formed, there are no dots (.).");
  let kid: string | undefined;
  try {
    const protectedHeader = decodeProtectedHeader(token);
    if (protectedHeader.alg !== "RS256") throw new Error("alg");
    kid = protectedHeader.kid;
  } catch {
    throw unauthorized("Access token validation failure. Invalid signature.");
  }
  const key = kid ? state.keys.find(kid) : undefined;
  if (!key) throw unauthorized("Access token validation failure. Invalid signature.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ["RS256"],
      currentDate: state.nowDate(),
    }));
  } catch (err) {
    if (
      err instanceof joseErrors.JWTExpired ||
      (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf")
    ) {
      throw unauthorized("Access token has expired or is not yet valid.");
    }
    throw unauthorized("Access token validation failure. Invalid signature.");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((a) => a === GRAPH_APP_ID || a === GRAPH_RESOURCE || a === `${GRAPH_RESOURCE}/`)) {
    throw unauthorized("Access token validation failure. Invalid audience.");
  }
  const tenant = typeof payload.tid === "string" ? state.directory.findTenant(payload.tid) : undefined;
  if (tenant?.id !== payload.tid) throw unauthorized("Access token validation failure.");
  return payload;
}

export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Applies a fault queued by a test (429/5xx or a delay), counting it down. */
export async function applyFault(state: EmulatorState): Promise<void> {
  const fault = state.graphFault;
  if (!fault) return;
  fault.remaining--;
  if (fault.remaining <= 0) state.graphFault = null;
  if ("delayMs" in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    return;
  }
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  if (fault.status === 429)
    throw new GraphError(429, "TooManyRequests", "Please retry again later.", headers);
  if (fault.status === 503) throw new GraphError(503, "serviceNotAvailable", "Service unavailable", headers);
  throw new GraphError(500, "generalException", "An unexpected error occurred.", headers);
}

export function forbidden(): GraphError {
  return new GraphError(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

/**
 * What a validated Graph token may read, from its `scp` as Graph decides it: `self` with a
 * User.Read-class permission, `others` (listing and reading other users) only with
 * User.ReadBasic.All or broader. App-only tokens (no `scp`) have neither here.
 */
export function readAccess(payload: JWTPayload): { delegated: boolean; self: boolean; others: boolean } {
  if (typeof payload.scp !== "string") {
    // App-only: Graph wants the User.Read.All (or broader) application permission in `roles`.
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    return {
      delegated: false,
      self: false,
      others: READ_USERS_ROLES.some((r) => roles.includes(r)),
    };
  }
  const scp = payload.scp.split(" ");
  return {
    delegated: true,
    self: READ_SELF_SCOPES.some((s) => scp.includes(s)),
    others: READ_OTHERS_SCOPES.some((s) => scp.includes(s)),
  };
}
