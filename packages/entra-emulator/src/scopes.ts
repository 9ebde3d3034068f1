import type { ClientRegistration } from "./config-types.js";
import { AadError } from "./errors.js";

export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const OIDC_SCOPES: readonly string[] = ["openid", "profile", "email", "offline_access"];
/** Delegated Graph permissions the emulated app registrations may request. */
const GRAPH_DELEGATED = [
  "User.Read",
  "User.ReadWrite",
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "GroupMember.Read.All",
  "Group.Read.All",
  "Mail.Read",
  "Calendars.Read",
  "Files.Read",
];
/** Graph permissions only an administrator may consent to (users get "Need admin approval"). */
const ADMIN_ONLY = new Set([
  "user.read.all",
  "user.readwrite.all",
  "directory.read.all",
  "groupmember.read.all",
  "group.read.all",
]);
/** Another resource app's scope: `api://<app-id or name>/<scope>`. */
const CUSTOM_SCOPE = /^api:\/\/[^/\s]+\/[^/\s]+$/i;

/** What one /authorize or refresh `scope` asks for: OIDC scopes plus permissions on ONE resource. */
export interface ScopeRequest {
  oidc: string[];
  /** `GRAPH_APP_ID` or a custom resource's `api://…` URI. */
  resource: string;
  /** Graph permissions unprefixed (`User.Read`), others as full URIs (`api://…/Scope`). */
  permissions: string[];
}

/** The resource a canonical permission belongs to. */
export function resourceOf(permission: string): string {
  return CUSTOM_SCOPE.test(permission) ? permission.slice(0, permission.lastIndexOf("/")) : GRAPH_APP_ID;
}

export function isAdminOnly(permission: string): boolean {
  return ADMIN_ONLY.has(permission.toLowerCase());
}

export function sameScope(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Strips Graph's resource prefix (`https://graph.microsoft.com/` or its app id). */
function bareGraph(raw: string): string {
  const lower = raw.toLowerCase();
  for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) {
    if (lower.startsWith(prefix)) return raw.slice(prefix.length);
  }
  return raw;
}

/**
 * A configurable scope in its canonical spelling: OIDC scopes lower-case, Graph permissions
 * unprefixed as Microsoft spells them, `api://…/Scope` as given; undefined when unknown.
 */
export function canonicalPermission(raw: string): string | undefined {
  if (OIDC_SCOPES.includes(raw.toLowerCase())) return raw.toLowerCase();
  if (CUSTOM_SCOPE.test(raw)) return raw;
  const bare = bareGraph(raw);
  return GRAPH_DELEGATED.find((known) => sameScope(known, bare));
}

function invalidScope(raw: string): AadError {
  return new AadError(
    "invalid_scope",
    70011,
    `The provided value for the input parameter 'scope' isn't valid. The scope ${raw} isn't valid.`,
  );
}

/** `{resource}/.default`: the client's configured permissions on that resource. */
function expandDefault(raw: string, client: ClientRegistration): string[] | undefined {
  const lower = raw.toLowerCase();
  if (!lower.endsWith("/.default") && lower !== ".default") return undefined;
  const resource =
    lower === ".default" || bareGraph(raw) === ".default" ? GRAPH_APP_ID : raw.slice(0, -"/.default".length);
  const configured = (client.permissions ?? []).filter(
    (p) => !OIDC_SCOPES.includes(p) && sameScope(resourceOf(p), resource),
  );
  if (configured.length === 0 && resource !== GRAPH_APP_ID) throw invalidScope(raw);
  return configured;
}

/**
 * Parses a requested `scope` against a client: OIDC scopes, Graph permissions (unprefixed, as
 * Entra returns them) and the client's configured `api://` scopes. Unknown scopes are AADSTS70011;
 * scopes of two resources in one request are AADSTS28000, as at Entra.
 */
export function parseScopes(scope: string, client: ClientRegistration): ScopeRequest {
  const request: ScopeRequest = { oidc: [], resource: GRAPH_APP_ID, permissions: [] };
  const resources = new Set<string>();
  const add = (permission: string) => {
    resources.add(resourceOf(permission).toLowerCase());
    if (!request.permissions.some((p) => sameScope(p, permission))) request.permissions.push(permission);
    request.resource = resourceOf(permission);
  };
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    const lower = raw.toLowerCase();
    if (OIDC_SCOPES.includes(lower)) {
      if (!request.oidc.includes(lower)) request.oidc.push(lower);
      continue;
    }
    const expanded = expandDefault(raw, client);
    if (expanded) {
      resources.add((lower === ".default" ? GRAPH_APP_ID : resourceOf(raw)).toLowerCase());
      for (const permission of expanded) add(permission);
      continue;
    }
    const known = canonicalPermission(raw);
    // Another app's API is known only through a client's configured permissions.
    const configured = CUSTOM_SCOPE.test(raw) ? client.permissions?.find((p) => sameScope(p, raw)) : known;
    if (!configured) throw invalidScope(raw);
    add(configured);
  }
  if (resources.size > 1) {
    throw new AadError(
      "invalid_scope",
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    );
  }
  return request;
}

/** The access token's `scp`: Graph tokens carry the OIDC scopes too; others only their own names. */
export function tokenScp(scopes: string[], resource: string): string {
  if (resource === GRAPH_APP_ID) return scopes.filter((s) => s !== "offline_access").join(" ");
  return scopes
    .filter((s) => !OIDC_SCOPES.includes(s))
    .map((s) => s.slice(s.lastIndexOf("/") + 1))
    .join(" ");
}

/** `client_credentials` needs exactly one `{resource}/.default`; otherwise AADSTS1002012. */
export function parseAppScope(scope: string): void {
  const parts = scope.split(/\s+/).filter(Boolean);
  const resource = parts[0]?.toLowerCase();
  if (
    parts.length !== 1 ||
    (resource !== `${GRAPH_RESOURCE}/.default` && resource !== `${GRAPH_APP_ID}/.default`)
  ) {
    throw new AadError(
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
}
