import { parseAuthorization } from "./config-client.js";
import { fail, guid, isRecord, optStr, strArray } from "./config-fields.js";
import type { ClientRegistration, ResourceApp } from "./config-types.js";

const SCOPE_NAME = /^[^\s/]+$/;

function parseResourceApp(raw: unknown, i: number): ResourceApp {
  const path = `apis[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  const appId = guid(raw, "appId", path);
  const identifierUris =
    raw.identifierUris === undefined ? [`api://${appId}`] : strArray(raw, "identifierUris", path);
  for (const uri of identifierUris) {
    if (!/^api:\/\/[^/\s]+$/i.test(uri))
      fail(`${path}.identifierUris`, `has "${uri}"; use api://<app-id or name>`);
  }
  const scopes = strArray(raw, "scopes", path);
  if (scopes.length === 0 || scopes.some((s) => !SCOPE_NAME.test(s))) {
    fail(`${path}.scopes`, 'must list the scope names it exposes, e.g. ["Tasks.ReadWrite"]');
  }
  const version = raw.requestedAccessTokenVersion ?? 1;
  if (version !== 1 && version !== 2) fail(`${path}.requestedAccessTokenVersion`, "must be 1 or 2");
  return {
    appId,
    displayName: optStr(raw, "displayName", path) ?? "API",
    identifierUris,
    scopes,
    requestedAccessTokenVersion: version,
    ...parseAuthorization(raw, path),
  };
}

/** A client may only be configured with scopes a registered API actually exposes. */
export function checkApiPermissions(
  apis: readonly ResourceApp[],
  clients: readonly ClientRegistration[],
): void {
  clients.forEach((client, i) => {
    for (const permission of client.permissions ?? []) {
      const slash = permission.lastIndexOf("/");
      const api = findResourceApp(apis, permission.slice(0, slash));
      const name = permission.slice(slash + 1);
      if (api && !api.scopes.some((s) => s.toLowerCase() === name.toLowerCase())) {
        fail(`clients[${i}].permissions`, `has "${permission}", which apis "${api.appId}" does not expose`);
      }
    }
  });
}

/** The registered API an App ID URI names (case-insensitive), if any. */
export function findResourceApp(apis: readonly ResourceApp[], uri: string): ResourceApp | undefined {
  const lower = uri.toLowerCase();
  return apis.find((api) => api.identifierUris.some((u) => u.toLowerCase() === lower));
}

export function parseApis(raw: unknown): ResourceApp[] {
  if (!Array.isArray(raw)) fail("apis", "must be an array");
  const apis = raw.map(parseResourceApp);
  const uris = new Set<string>();
  for (const uri of apis.flatMap((api) => api.identifierUris.map((u) => u.toLowerCase()))) {
    if (uris.has(uri)) fail("apis", `has the identifier URI "${uri}" twice`);
    uris.add(uri);
  }
  return apis;
}
