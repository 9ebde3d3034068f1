import { createHash } from "node:crypto";

/** Graph's resource: a scope without a resource (`User.Read`) is a Graph scope, as Entra reads it. */
export const GRAPH_RESOURCE = "https://graph.microsoft.com";

/**
 * The resource a scope belongs to: everything before the last `/` (`api://<app-id>/Tasks.ReadWrite`
 * → `api://<app-id>`), or Graph for a bare name. Entra issues a token for one resource only, so a
 * token request that mixes two fails with AADSTS28000.
 */
export function resourceOf(scope: string): string {
  const slash = scope.lastIndexOf("/");
  return slash > 0 ? scope.slice(0, slash) : GRAPH_RESOURCE;
}

/** The scope of an app-only token (client credentials) for a resource. */
export function defaultScopeOf(resource: string): string {
  return `${resource}/.default`;
}

/** The short name of a resource in a session's keys (`at:{sid}:<id>`). */
export function resourceId(resource: string): string {
  let id = resourceIds.get(resource);
  if (id === undefined) {
    id = createHash("sha256").update(resource).digest("base64url").slice(0, 16);
    // Few declared resources, asked on every proxied request: hashed once each.
    resourceIds.set(resource, id);
  }
  return id;
}
const resourceIds = new Map<string, string>();

/** The resource ids of the declared APIs that get user tokens (their shared tokens end with a session). */
export function declaredResourceIds(
  apis: ReadonlyArray<{ token: string; resource?: string | undefined }>,
): string[] {
  return [
    ...new Set(
      apis.flatMap((api) => (api.token === "user" && api.resource ? [resourceId(api.resource)] : [])),
    ),
  ];
}
