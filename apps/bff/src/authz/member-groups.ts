import { AppError } from "../errors.js";

/** The app may not read group memberships: GroupMember.Read.All (admin consent) is missing. */
export class GroupsPermissionError extends AppError {
  constructor() {
    super(
      "forbidden",
      403,
      "Microsoft Graph refused to list the user's groups: grant the app the delegated permission " +
        "GroupMember.Read.All and admin consent for it (Entra admin center → App registrations → " +
        "API permissions → Grant admin consent).",
    );
    this.name = "GroupsPermissionError";
  }
}

const MAX_BYTES = 2 * 1024 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in user's security groups through Graph `POST /me/getMemberGroups`
 * (`securityEnabledOnly`): transitive, every id in one answer (no paging, up to 11,000).
 * Needs GroupMember.Read.All (or Group.Read.All / Directory.Read.All), all admin-consented.
 * @see https://learn.microsoft.com/graph/api/directoryobject-getmembergroups
 */
export async function fetchMemberGroups(
  graphBaseUrl: string,
  accessToken: string,
  timeoutMs: number,
): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(`${graphBaseUrl}/v1.0/me/getMemberGroups`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ securityEnabledOnly: true }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw new AppError("upstream_unavailable", 503, "Microsoft Graph did not answer the groups query.", {
      cause: error,
    });
  }
  if (response.status === 403) throw new GroupsPermissionError();
  const text = await response.text();
  if (!response.ok || text.length > MAX_BYTES) {
    throw new AppError(
      "upstream_error",
      502,
      `Microsoft Graph answered the groups query with ${response.status}.`,
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) {
    throw new AppError("upstream_error", 502, "Microsoft Graph's groups answer is not a list.");
  }
  return value.filter((id): id is string => typeof id === "string" && GUID.test(id));
}
