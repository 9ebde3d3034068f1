import type { JWTPayload } from "jose";
import type { AuthorizationSettings, DemoUser } from "./config-types.js";
import type { Directory } from "./directory.js";

/** Entra's limit for `groups` in a JWT (ID and access tokens); beyond it: the overage claim. */
export const GROUPS_CLAIM_LIMIT = 200;

/**
 * The authorization claims Entra adds for an app: `roles` (assigned app roles), and `groups` as
 * the app's `groupMembershipClaims` asks (security groups, or all) — or, past 200 groups, the
 * overage claim pointing at Graph's getMemberObjects instead of any group.
 */
export function authorizationClaims(
  directory: Directory,
  client: AuthorizationSettings,
  user: DemoUser,
): JWTPayload {
  const claims: JWTPayload = {};
  const mode = client.groupMembershipClaims ?? "None";
  if (mode !== "None") {
    const groups = directory
      .groupsOf(user)
      .filter((g) => mode === "All" || g.securityEnabled)
      .map((g) => g.id);
    if (groups.length > GROUPS_CLAIM_LIMIT) {
      claims._claim_names = { groups: "src1" };
      claims._claim_sources = {
        src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${user.id}/getMemberObjects` },
      };
    } else if (groups.length > 0) {
      claims.groups = groups;
    }
  }
  const roles = directory.rolesFor(client, user);
  if (roles.length > 0) claims.roles = roles;
  return claims;
}
