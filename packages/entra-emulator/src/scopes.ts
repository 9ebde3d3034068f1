import { AadError } from "./errors.js";

export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);
/** Delegated Graph permissions the emulated app registration may request. */
const GRAPH_DELEGATED = [
  "User.Read",
  "User.ReadBasic.All",
  "User.Read.All",
  "Mail.Read",
  "Calendars.Read",
  "Files.Read",
];
/** What `.default` expands to: the app registration's statically configured permissions. */
const STATIC_PERMISSIONS = ["User.Read"];

function canonicalGraphScope(name: string): string | undefined {
  return GRAPH_DELEGATED.find((known) => known.toLowerCase() === name.toLowerCase());
}

/**
 * Parses a requested `scope` into granted scopes: OIDC scopes plus Graph permissions without
 * their resource prefix (as Entra returns them). Unknown scopes are AADSTS70011 invalid_scope.
 */
export function parseScopes(scope: string): string[] {
  const granted: string[] = [];
  const add = (s: string) => {
    if (!granted.includes(s)) granted.push(s);
  };
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    const lower = raw.toLowerCase();
    if (OIDC_SCOPES.has(lower)) {
      add(lower);
      continue;
    }
    const bare = lower.startsWith(`${GRAPH_RESOURCE}/`)
      ? raw.slice(GRAPH_RESOURCE.length + 1)
      : lower.startsWith(`${GRAPH_APP_ID}/`)
        ? raw.slice(GRAPH_APP_ID.length + 1)
        : raw;
    if (bare === ".default") {
      for (const s of STATIC_PERMISSIONS) add(s);
      continue;
    }
    const known = canonicalGraphScope(bare);
    if (!known) {
      throw new AadError(
        "invalid_scope",
        70011,
        `The provided value for the input parameter 'scope' isn't valid. The scope ${raw} isn't valid.`,
      );
    }
    add(known);
  }
  return granted;
}

/** Graph permissions among granted scopes (what goes into the access token's `scp`). */
export function tokenScp(scopes: string[]): string {
  return scopes.filter((s) => s !== "offline_access").join(" ");
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
