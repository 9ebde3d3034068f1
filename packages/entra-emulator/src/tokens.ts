import { createHash, createHmac, randomUUID } from "node:crypto";
import { base64url, type JWTPayload, SignJWT } from "jose";
import type { DemoUser } from "./config-types.js";
import { authorizationClaims } from "./directory-claims.js";
import { generateSigningKey, type SigningKey } from "./keys.js";
import { GRAPH_APP_ID, tokenScp } from "./scopes.js";
import { type EmulatorState, type Grant, type HostileIdTokenKind, opaque } from "./state.js";

/** The v2 `sub`: pairwise per user and app, 43 base64url characters. */
export function pairwiseSub(userId: string, clientId: string): string {
  return createHash("sha256").update(`${userId}|${clientId}`).digest("base64url");
}

/** Entra's `uti`: a 22-character unique token id. */
function uti(): string {
  return opaque(16).slice(0, 22);
}

async function sign(
  payload: JWTPayload,
  key: SigningKey,
  extraHeader: Record<string, string> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid, ...extraHeader })
    .sign(key.privateKey);
}

/** Builds the v2.0 ID token claims Entra issues for the auth code flow. */
function idTokenClaims(
  state: EmulatorState,
  user: DemoUser,
  grant: Grant,
  nonce: string | undefined,
): JWTPayload {
  const now = state.now();
  const tenantId = state.directory.tenantOf(user).id;
  const client = state.findClient(grant.clientId);
  const { groups, roles, ...overage } = client ? authorizationClaims(state.directory, client, user) : {};
  const claims: JWTPayload = {
    aud: grant.clientId,
    iss: state.issuerFor(tenantId),
    iat: now,
    nbf: now,
    exp: now + state.lifetimes.idTokenSeconds,
    ...overage,
    aio: opaque(48),
  };
  if (grant.scopes.includes("email") && user.mail) claims.email = user.mail;
  if (groups) claims.groups = groups;
  if (grant.scopes.includes("profile")) claims.name = user.displayName;
  if (nonce !== undefined) claims.nonce = nonce;
  claims.oid = user.id;
  if (grant.scopes.includes("profile")) claims.preferred_username = user.userPrincipalName;
  claims.rh = `0.${opaque(40)}.`;
  if (roles) claims.roles = roles;
  claims.sid = grant.sid;
  claims.sub = pairwiseSub(user.id, grant.clientId);
  claims.tid = tenantId;
  claims.uti = uti();
  claims.ver = "2.0";
  return claims;
}

/** Applies a hostile variant to otherwise honest claims and signs it the hostile way. */
async function signHostile(
  state: EmulatorState,
  claims: JWTPayload,
  kind: HostileIdTokenKind,
): Promise<string> {
  const now = state.now();
  const key = state.keys.current;
  switch (kind) {
    case "wrong-signature":
      return sign(claims, { ...generateSigningKey(), kid: key.kid });
    case "unknown-kid":
      return sign(claims, generateSigningKey());
    case "alg-none": {
      const header = base64url.encode(JSON.stringify({ typ: "JWT", alg: "none" }));
      return `${header}.${base64url.encode(JSON.stringify(claims))}.`;
    }
    case "hs256-public-key": {
      // The classic key-confusion attack: HMAC keyed with the published RSA public key (PEM).
      // Signed by hand because jose rightly refuses to use a PEM public key as an HMAC secret.
      const secret = key.publicKey.export({ format: "pem", type: "spki" }).toString();
      const header = base64url.encode(JSON.stringify({ typ: "JWT", alg: "HS256", kid: key.kid }));
      const signingInput = `${header}.${base64url.encode(JSON.stringify(claims))}`;
      return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
    }
    case "wrong-iss":
      return sign({ ...claims, iss: `${state.baseUrl}/${randomUUID()}/v2.0` }, key);
    case "wrong-aud":
      return sign({ ...claims, aud: randomUUID() }, key);
    case "aud-array-without-client":
      return sign({ ...claims, aud: [randomUUID(), GRAPH_APP_ID], azp: randomUUID() }, key);
    case "wrong-tid":
      return sign({ ...claims, tid: randomUUID() }, key);
    case "expired":
      return sign({ ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, key);
    case "nbf-future":
      return sign({ ...claims, iat: now, nbf: now + 3600, exp: now + 7200 }, key);
    case "missing-nonce": {
      const { nonce: _dropped, ...rest } = claims;
      return sign(rest, key);
    }
    case "wrong-nonce":
      return sign({ ...claims, nonce: opaque(16) }, key);
  }
}

/** Signs the ID token — or, when a test queued one, the hostile variant (consumed once). */
export async function issueIdToken(
  state: EmulatorState,
  user: DemoUser,
  grant: Grant,
  nonce: string | undefined,
): Promise<string> {
  const claims = idTokenClaims(state, user, grant, nonce);
  const hostile = state.hostileIdToken;
  if (hostile) {
    state.hostileIdToken = null;
    return signHostile(state, claims, hostile);
  }
  return sign(claims, state.keys.current);
}

/**
 * An access token in v1.0 format (Graph's always are, and other APIs' are by default): for Graph,
 * or for the `api://…` resource a delegated grant names (`aud` is then that URI).
 */
export async function issueGraphAccessToken(
  state: EmulatorState,
  clientId: string,
  appDisplayName: string,
  subject: { user: DemoUser; scopes: string[]; resource: string } | { roles: string[] },
): Promise<string> {
  const now = state.now();
  const tenantId = "user" in subject ? state.directory.tenantOf(subject.user).id : state.tenantId;
  const claims: JWTPayload = {
    aud: "resource" in subject ? subject.resource : GRAPH_APP_ID,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + state.lifetimes.accessTokenSeconds,
    aio: opaque(40),
    app_displayname: appDisplayName,
    appid: clientId,
    appidacr: "1",
    idp: `https://sts.windows.net/${tenantId}/`,
  };
  if ("user" in subject) {
    const { user, scopes, resource } = subject;
    Object.assign(claims, {
      acct: 0,
      acr: "1",
      amr: ["pwd"],
      family_name: user.surname ?? undefined,
      given_name: user.givenName ?? undefined,
      idtyp: "user",
      name: user.displayName,
      oid: user.id,
      scp: tokenScp(scopes, resource),
      sub: pairwiseSub(user.id, GRAPH_APP_ID),
      unique_name: user.userPrincipalName,
      upn: user.userPrincipalName,
      // Another app's API (api://<its client id>) gets that app's roles and groups for the user.
      ...resourceAppClaims(state, resource, user),
    });
    delete claims.idp;
  } else {
    Object.assign(claims, {
      idtyp: "app",
      oid: pairwiseSub(clientId, "sp").slice(0, 36),
      roles: subject.roles,
      sub: pairwiseSub(clientId, "app"),
    });
  }
  Object.assign(claims, { rh: `0.${opaque(40)}.`, tid: tenantId, uti: uti(), ver: "1.0" });
  return sign(claims, state.keys.current);
}

/** The roles and groups of `api://<client id>` when that app is registered here. */
function resourceAppClaims(state: EmulatorState, resource: string, user: DemoUser): JWTPayload {
  const match = /^api:\/\/([0-9a-f-]{36})$/i.exec(resource);
  const app = match?.[1] ? state.findClient(match[1]) : undefined;
  return app ? authorizationClaims(state.directory, app, user) : {};
}

/** `client_info` = base64url JSON `{uid, utid}`; MSAL's homeAccountId is `uid.utid`. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString("base64url");
}
