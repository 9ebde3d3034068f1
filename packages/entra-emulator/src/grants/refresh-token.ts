import type { ClientRegistration } from "../config-types.js";
import { grantedScopes, missingConsent } from "../consent.js";
import { AadError } from "../errors.js";
import { OIDC_SCOPES, parseScopes } from "../scopes.js";
import type { EmulatorState, Grant } from "../state.js";
import { type TokenResponse, userTokenResponse } from "./user-tokens.js";

type Form = Record<string, string | undefined>;

/** `grant_type=refresh_token`: rotation (each refresh token works once), revocation, expiry. */
export async function redeemRefreshToken(
  state: EmulatorState,
  client: ClientRegistration,
  form: Form,
): Promise<TokenResponse> {
  if (!form.refresh_token) {
    throw new AadError(
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'refresh_token'.",
    );
  }
  const record = state.refreshTokens.get(form.refresh_token);
  if (!record) {
    throw new AadError("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", {
      suberror: "bad_token",
    });
  }
  if (record.clientId !== client.clientId) {
    throw new AadError("invalid_grant", 70000, "The refresh token was issued to a different client.", {
      suberror: "bad_token",
    });
  }
  if (record.revoked) {
    throw new AadError(
      "invalid_grant",
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  }
  const issued = new Date(record.issuedAt * 1000).toISOString();
  if (record.redeemed) {
    throw new AadError(
      "invalid_grant",
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${issued} and was already redeemed (rotated).`,
      { suberror: "bad_token" },
    );
  }
  if (record.expiresAt <= state.now()) {
    throw new AadError(
      "invalid_grant",
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for ${state.lifetimes.refreshTokenSeconds} seconds.`,
      { suberror: "bad_token" },
    );
  }
  // A refresh token is good for any scope consented for this client and user (Entra's rule),
  // so a refresh may ask for more than the sign-in did — but never for unconsented scopes.
  let grant: Grant = record;
  if (form.scope) {
    const asked = parseScopes(form.scope, client);
    if (missingConsent(state, client, record.userId, asked).length > 0) {
      throw new AadError(
        "invalid_grant",
        65001,
        `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
        { suberror: "consent_required" },
      );
    }
    const oidc = record.scopes.filter((s) => OIDC_SCOPES.includes(s));
    const scopes = grantedScopes(state, client, record.userId, {
      ...asked,
      oidc: [...new Set([...oidc, ...asked.oidc])],
    });
    grant = { ...record, scopes, resource: asked.resource };
  }
  const user = state.findUser(record.userId);
  if (!user) throw new AadError("invalid_grant", 50034, "The user account does not exist in the directory.");
  record.redeemed = true;
  return userTokenResponse(state, client, user, grant, {
    nonce: undefined,
    clientInfo: form.client_info === "1",
  });
}
