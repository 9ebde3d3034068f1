import type { JWTPayload } from "jose";

/** The authorization a session carries: app role values and security group object ids. */
export interface Authorization {
  roles: string[];
  groups: string[];
}

/** What an ID token says about roles and groups; `overage` when the groups must come from Graph. */
export interface TokenAuthorization {
  roles: string[];
  groups: string[] | "overage";
}

/** Entra puts at most 200 groups in a JWT; more than this many entries is not a real token. */
const MAX_CLAIM_ENTRIES = 1000;
const MAX_VALUE_LENGTH = 256;

/**
 * Reads `roles` and `groups` from verified ID token claims. Overage (more than 200 groups) shows
 * as `_claim_names.groups` (or `hasgroups`) without a `groups` claim: never read as "no groups".
 * @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference#groups-overage-claim
 */
export function readTokenAuthorization(claims: JWTPayload): TokenAuthorization {
  const roles = stringList(claims.roles);
  if (Array.isArray(claims.groups)) return { roles, groups: stringList(claims.groups) };
  const claimNames = claims._claim_names;
  const overage =
    claims.hasgroups === true ||
    (typeof claimNames === "object" && claimNames !== null && "groups" in claimNames);
  return { roles, groups: overage ? "overage" : [] };
}

/** Keeps only the groups the app cares about (ENTRA_GROUPS_FILTER), when it says. */
export function filterGroups(groups: readonly string[], filter: ReadonlySet<string> | undefined): string[] {
  const unique = [...new Set(groups.map((id) => id.toLowerCase()))];
  return filter ? unique.filter((id) => filter.has(id)) : unique;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, MAX_CLAIM_ENTRIES)
    .filter((item): item is string => typeof item === "string" && item.length <= MAX_VALUE_LENGTH);
}
