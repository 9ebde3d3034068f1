import { createHash, createHmac, randomUUID } from "node:crypto";
import { base64url, type JWTPayload, SignJWT } from "jose";
import type { DemoUser, ResourceApp } from "./config-types.js";
import { authorizationClaims } from "./directory-claims.js";
import { generateSigningKey, type SigningKey } from "./keys.js";
import { findResourceApp } from "./resource-apps.js";
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

/** The claims every token opens with, in Entra's order: aud, iss, iat, nbf, exp, aio. */
function envelope(
  state: EmulatorState,
  aud: string,
  iss: string,
  lifetime: number,
  aioBytes: number,
): JWTPayload {
  const now = state.now();
  return { aud, iss, iat: now, nbf: now, exp: now + lifetime, aio: opaque(aioBytes) };
}

/** Builds the v2.0 ID token claims Entra issues for the auth code flow. */
function idTokenClaims(
  state: EmulatorState,
  user: DemoUser,
  grant: Grant,
  nonce: string | undefined,
): JWTPayload {
  const tenantId = state.directory.tenantOf(user).id;
  const client = state.findClient(grant.clientId);
  const { groups, roles, ...overage } = client ? authorizationClaims(state.directory, client, user) : {};
  const { aio, ...opening } = envelope(
    state,
    grant.clientId,
    state.issuerFor(tenantId),
    state.lifetimes.idTokenSeconds,
    48,
  );
  // The overage claim (when present) comes before `aio`.
  const claims: JWTPayload = { ...opening, ...overage, aio };
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
  const tenantId = "user" in subject ? state.directory.tenantOf(subject.user).id : state.tenantId;
  const claims: JWTPayload = {
    ...envelope(
      state,
      "resource" in subject ? subject.resource : GRAPH_APP_ID,
      `https://sts.windows.net/${tenantId}/`,
      state.lifetimes.accessTokenSeconds,
      40,
    ),
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
      // Another app's API gets that app's roles and groups for the user.
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

/**
 * A v2.0 access token for a registered API whose manifest has `requestedAccessTokenVersion: 2`:
 * `aud` is its application ID GUID and `iss` the tenant's v2.0 issuer (the ID token's).
 */
export async function issueApiAccessToken(
  state: EmulatorState,
  clientId: string,
  api: ResourceApp,
  subject: { user: DemoUser; scopes: string[]; resource: string },
): Promise<string> {
  const { user, scopes, resource } = subject;
  const tenantId = state.directory.tenantOf(user).id;
  const { groups, roles, ...overage } = resourceAppClaims(state, resource, user);
  const claims: JWTPayload = {
    ...envelope(state, api.appId, state.issuerFor(tenantId), state.lifetimes.accessTokenSeconds, 40),
    ...overage,
    azp: clientId,
    azpacr: "1",
    ...(groups ? { groups } : {}),
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    rh: `0.${opaque(40)}.`,
    ...(roles ? { roles } : {}),
    scp: tokenScp(scopes, resource),
    sub: pairwiseSub(user.id, api.appId),
    tid: tenantId,
    uti: uti(),
    ver: "2.0",
  };
  return sign(claims, state.keys.current);
}

/**
 * The roles and groups an API's token carries: those of the registered API (`apis`) or client
 * that the resource (`api://…`) names, for this user.
 */
function resourceAppClaims(state: EmulatorState, resource: string, user: DemoUser): JWTPayload {
  const api = findResourceApp(state.config.apis, resource);
  const byClientId = /^api:\/\/([0-9a-f-]{36})$/i.exec(resource)?.[1];
  const app = api ?? (byClientId ? state.findClient(byClientId) : undefined);
  return app ? authorizationClaims(state.directory, app, user) : {};
}

/** `client_info` = base64url JSON `{uid, utid}`; MSAL's homeAccountId is `uid.utid`. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString("base64url");
}
