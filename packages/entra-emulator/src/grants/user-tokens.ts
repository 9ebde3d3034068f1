import type { ClientRegistration, DemoUser } from "../config-types.js";
import { findResourceApp } from "../resource-apps.js";
import { type EmulatorState, type Grant, opaque } from "../state.js";
import { clientInfo, issueApiAccessToken, issueGraphAccessToken, issueIdToken } from "../tokens.js";

export interface TokenResponse {
  token_type: "Bearer";
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** A registered API asking for v2.0 tokens gets one; Graph and every other resource get v1.0. */
function accessToken(
  state: EmulatorState,
  client: ClientRegistration,
  subject: { user: DemoUser; scopes: string[]; resource: string },
): Promise<string> {
  const api = findResourceApp(state.config.apis, subject.resource);
  if (api?.requestedAccessTokenVersion === 2)
    return issueApiAccessToken(state, client.clientId, api, subject);
  return issueGraphAccessToken(state, client.clientId, client.displayName, subject);
}

/**
 * The token response for a user grant (code or refresh): a Graph access token, an ID token when
 * `openid` was granted, a new refresh token when `offline_access` was, and `client_info` on request.
 */
export async function userTokenResponse(
  state: EmulatorState,
  client: ClientRegistration,
  user: DemoUser,
  grant: Grant,
  options: { nonce: string | undefined; clientInfo: boolean },
): Promise<TokenResponse> {
  const response: TokenResponse = {
    token_type: "Bearer",
    // Entra lists the granted scopes without offline_access, Graph scopes unprefixed.
    scope: grant.scopes.filter((s) => s !== "offline_access").join(" "),
    expires_in: state.lifetimes.accessTokenSeconds,
    ext_expires_in: state.lifetimes.accessTokenSeconds,
    access_token: await accessToken(state, client, { user, scopes: grant.scopes, resource: grant.resource }),
  };
  if (grant.scopes.includes("offline_access")) {
    const token = `1.${opaque(96)}`;
    const now = state.now();
    state.refreshTokens.set(token, {
      ...grant,
      issuedAt: now,
      expiresAt: now + state.lifetimes.refreshTokenSeconds,
      redeemed: false,
      revoked: false,
    });
    response.refresh_token = token;
  }
  if (grant.scopes.includes("openid"))
    response.id_token = await issueIdToken(state, user, grant, options.nonce);
  if (options.clientInfo) response.client_info = clientInfo(user.id, state.directory.tenantOf(user).id);
  return response;
}
