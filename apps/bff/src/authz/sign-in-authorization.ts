import type { JWTPayload } from "jose";
import { type Authorization, filterGroups, readTokenAuthorization } from "./claims.js";
import { fetchMemberGroups } from "./member-groups.js";

export interface GroupsSource {
  graphBaseUrl: string;
  timeoutMs: number;
  /** ENTRA_GROUPS_FILTER. */
  filter?: ReadonlySet<string>;
}

/**
 * The roles and groups a new session starts with. After a groups overage, Graph is asked once,
 * here, with the sign-in's access token; a failure fails the sign-in (GroupsPermissionError when
 * the app lacks GroupMember.Read.All) rather than pretending the user is in no group.
 */
export async function signInAuthorization(
  claims: JWTPayload,
  accessToken: string | undefined,
  source: GroupsSource,
): Promise<Authorization> {
  const token = readTokenAuthorization(claims);
  if (token.groups !== "overage")
    return { roles: token.roles, groups: filterGroups(token.groups, source.filter) };
  if (!accessToken) throw new Error("a groups overage needs the sign-in's Graph access token");
  const groups = await fetchMemberGroups(source.graphBaseUrl, accessToken, source.timeoutMs);
  return { roles: token.roles, groups: filterGroups(groups, source.filter) };
}

/**
 * The roles and groups after a refresh: the new ID token's roles; its groups, or (still an
 * overage) the ones resolved at sign-in — Graph is asked once per session.
 */
export function refreshedAuthorization(
  claims: JWTPayload,
  previous: Authorization,
  filter: ReadonlySet<string> | undefined,
): Authorization {
  const token = readTokenAuthorization(claims);
  const groups = token.groups === "overage" ? previous.groups : filterGroups(token.groups, filter);
  return { roles: token.roles, groups };
}
