import { type Check, result } from "../check.js";

const PERMISSION =
  "Users in more than 200 groups get no groups claim (overage): the BFF then asks Graph POST /me/getMemberGroups once per sign-in, which needs the delegated Microsoft Graph permission GroupMember.Read.All with admin consent (API permissions → Grant admin consent); without it those users cannot sign in.";

/** Says how groups reach sessions, and what a groups overage needs from the app registration. */
export const checkGroups: Check = async ({ idp }) => {
  const filter = idp.groupsFilter;
  const kept = filter
    ? `Sessions keep only the ${filter.size} group(s) of ENTRA_GROUPS_FILTER.`
    : "Sessions keep every security group of the groups claim (set ENTRA_GROUPS_FILTER to the groups the app uses to keep them small).";
  return result(
    "groups",
    "Groups (groups claim and overage)",
    "pass",
    `${kept} The app registration's Token configuration must add the groups claim (Security groups). ${PERMISSION}`,
  );
};
