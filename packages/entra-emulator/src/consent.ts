import type { ClientRegistration } from "./config-types.js";
import { GRAPH_APP_ID, OIDC_SCOPES, resourceOf, type ScopeRequest, sameScope } from "./scopes.js";
import type { EmulatorState } from "./state.js";

/**
 * Entra's consent model: a client's configured permissions are separate from what was consented —
 * tenant-wide by an admin (per client, from the configuration) or by one user (per client + user,
 * recorded on the consent step). OIDC scopes (openid, profile, email, offline_access) never need it.
 */

function userConsentKey(clientId: string, userId: string): string {
  return `${clientId}|${userId}`;
}

/** Everything consented for this client and user: admin consent plus the user's own. */
export function consentedScopes(state: EmulatorState, client: ClientRegistration, userId: string): string[] {
  const own = state.userConsents.get(userConsentKey(client.clientId, userId)) ?? [];
  return [...(client.adminConsent ?? []), ...own].filter((s) => !OIDC_SCOPES.includes(s));
}

/** The requested permissions nobody has consented to yet. */
export function missingConsent(
  state: EmulatorState,
  client: ClientRegistration,
  userId: string,
  request: ScopeRequest,
): string[] {
  const consented = consentedScopes(state, client, userId);
  return request.permissions.filter((p) => !consented.some((c) => sameScope(c, p)));
}

/** Records a user's consent (the picker's Accept). */
export function recordUserConsent(
  state: EmulatorState,
  client: ClientRegistration,
  userId: string,
  scopes: string[],
): void {
  const key = userConsentKey(client.clientId, userId);
  const own = state.userConsents.get(key) ?? [];
  for (const scope of scopes) if (!own.some((s) => sameScope(s, scope))) own.push(scope);
  state.userConsents.set(key, own);
}

/** Replaces a user's own consent for a client (the control API; `[]` revokes it). */
export function replaceUserConsent(
  state: EmulatorState,
  client: ClientRegistration,
  userId: string,
  scopes: string[],
): void {
  state.userConsents.set(userConsentKey(client.clientId, userId), [...scopes]);
}

/**
 * What a sign-in or refresh is granted: the requested OIDC scopes and permissions plus every
 * permission already consented on the same resource (Entra's "default permissions": asking only
 * `openid profile offline_access` still yields `User.Read`), and `email` with `openid` on Graph.
 */
export function grantedScopes(
  state: EmulatorState,
  client: ClientRegistration,
  userId: string,
  request: ScopeRequest,
): string[] {
  const granted = [...request.oidc];
  const add = (scope: string) => {
    if (!granted.some((s) => sameScope(s, scope))) granted.push(scope);
  };
  for (const permission of request.permissions) add(permission);
  for (const consented of consentedScopes(state, client, userId)) {
    if (sameScope(resourceOf(consented), request.resource)) add(consented);
  }
  if (request.resource === GRAPH_APP_ID && granted.includes("openid")) add("email");
  return granted;
}
