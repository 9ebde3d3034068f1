import type { JWK } from "jose";
import {
  bool,
  fail,
  guid,
  isRecord,
  objects,
  oneOf,
  optStr,
  type Raw,
  str,
  strArray,
} from "./config-fields.js";
import type {
  AppRole,
  AppRoleAssignment,
  AuthorizationSettings,
  ClientRegistration,
  FederatedCredential,
  GroupMembershipClaims,
  SignInAudience,
} from "./config-types.js";
import { canonicalPermission } from "./scopes.js";
import { isWebUri } from "./web-uri.js";

export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
const MEMBER_TYPES = ["User", "Application"] as const;
const AUDIENCES: readonly SignInAudience[] = ["AzureADMyOrg", "AzureADMultipleOrgs"];
const GROUP_CLAIMS: readonly GroupMembershipClaims[] = ["None", "SecurityGroup", "All"];

/** Parses `clients[i]` (an app registration) with every optional key filled in. */
export function parseClient(raw: unknown, i: number): ClientRegistration {
  const path = `clients[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  const client: ClientRegistration = {
    clientId: guid(raw, "clientId", path),
    displayName: optStr(raw, "displayName", path) ?? "App",
    clientSecrets: strArray(raw, "clientSecrets", path),
    redirectUris: strArray(raw, "redirectUris", path),
    postLogoutRedirectUris: strArray(raw, "postLogoutRedirectUris", path),
    certificates: strArray(raw, "certificates", path),
    singleUseAssertions: bool(raw, "singleUseAssertions", path, false),
    signInAudience: oneOf<SignInAudience>(raw, "signInAudience", path, AUDIENCES, "AzureADMyOrg"),
    ...parseAuthorization(raw, path),
    frontchannelLogoutUrl: optStr(raw, "frontchannelLogoutUrl", path),
    federatedCredentials: objects(raw, "federatedCredentials", path, parseFederatedCredential),
  };
  parsePermissions(raw, client, path);
  const uris = [...client.redirectUris, ...client.postLogoutRedirectUris];
  if (client.frontchannelLogoutUrl !== null) uris.push(client.frontchannelLogoutUrl ?? "");
  for (const uri of uris) {
    if (!isWebUri(uri)) fail(path, `has an invalid URI "${uri}" (an http or https URL is needed)`);
  }
  const hasCredential =
    client.clientSecrets.length > 0 ||
    client.certificates.length > 0 ||
    (client.federatedCredentials ?? []).length > 0;
  if (!hasCredential) {
    fail(
      path,
      "needs at least one of clientSecrets or certificates, or a federatedCredentials entry (it is a confidential client)",
    );
  }
  return client;
}

/** `appRoles`, `appRoleAssignments` (of defined roles only) and `groupMembershipClaims`. */
export function parseAuthorization(raw: Raw, path: string): AuthorizationSettings {
  const settings: AuthorizationSettings = {
    appRoles: objects(raw, "appRoles", path, parseAppRole),
    appRoleAssignments: objects(raw, "appRoleAssignments", path, parseAssignment),
    groupMembershipClaims: oneOf<GroupMembershipClaims>(
      raw,
      "groupMembershipClaims",
      path,
      GROUP_CLAIMS,
      "None",
    ),
  };
  const roles = settings.appRoles ?? [];
  if (new Set(roles.map((r) => r.value)).size !== roles.length)
    fail(`${path}.appRoles`, "has a duplicate value");
  for (const assignment of settings.appRoleAssignments ?? []) {
    if (!roles.some((role) => role.value === assignment.role)) {
      fail(`${path}.appRoleAssignments`, `names role "${assignment.role}", which is not among its appRoles`);
    }
  }
  return settings;
}

function parseAppRole(raw: Raw, path: string): AppRole {
  const types = strArray(raw, "allowedMemberTypes", path);
  for (const type of types) {
    if (!MEMBER_TYPES.includes(type as "User"))
      fail(`${path}.allowedMemberTypes`, `has "${type}" (User or Application)`);
  }
  const value = str(raw, "value", path);
  if (/\s/.test(value)) fail(`${path}.value`, "must not contain spaces (Entra refuses them)");
  return {
    id: guid(raw, "id", path),
    value,
    displayName: optStr(raw, "displayName", path) ?? value,
    allowedMemberTypes: types.length > 0 ? (types as AppRole["allowedMemberTypes"]) : ["User"],
  };
}

function parseAssignment(raw: Raw, path: string): AppRoleAssignment {
  return { principalId: guid(raw, "principalId", path), role: str(raw, "role", path) };
}

function parseFederatedCredential(raw: Raw, path: string): FederatedCredential {
  const jwks = raw.jwks;
  if (jwks !== undefined && jwks !== null && !(isRecord(jwks) && Array.isArray(jwks.keys))) {
    fail(`${path}.jwks`, 'must be a JWKS object {"keys": [...]} or null');
  }
  const audiences = strArray(raw, "audiences", path);
  return {
    name: optStr(raw, "name", path) ?? "federated-credential",
    issuer: str(raw, "issuer", path),
    subject: str(raw, "subject", path),
    audiences: audiences.length > 0 ? audiences : [TOKEN_EXCHANGE_AUDIENCE],
    jwks: isRecord(jwks) ? { keys: jwks.keys as JWK[] } : null,
  };
}

/** Validates and canonicalises `permissions` / `adminConsent` (consent only for configured scopes). */
function parsePermissions(raw: Raw, client: ClientRegistration, path: string): void {
  const canonical = (key: string) =>
    strArray(raw, key, path).map((scope) => {
      const known = canonicalPermission(scope);
      if (!known) {
        fail(`${path}.${key}`, `has "${scope}", which is neither a Graph permission nor api://<app>/<scope>`);
      }
      return known;
    });
  const permissions = raw.permissions === undefined ? ["User.Read"] : canonical("permissions");
  const adminConsent = raw.adminConsent === undefined ? permissions : canonical("adminConsent");
  for (const scope of adminConsent) {
    if (!permissions.includes(scope)) {
      fail(`${path}.adminConsent`, `has "${scope}", which is not among the client's permissions`);
    }
  }
  client.permissions = permissions;
  client.adminConsent = adminConsent;
}
