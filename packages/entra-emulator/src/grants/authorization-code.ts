import { createHash } from "node:crypto";
import type { ClientRegistration } from "../config-types.js";
import { AadError } from "../errors.js";
import type { EmulatorState } from "../state.js";
import { type TokenResponse, userTokenResponse } from "./user-tokens.js";

type Form = Record<string, string | undefined>;

function missing(name: string): AadError {
  return new AadError(
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );
}

/** `grant_type=authorization_code`: single-use code, redirect_uri match, PKCE S256, 10 min expiry. */
export async function redeemAuthorizationCode(
  state: EmulatorState,
  client: ClientRegistration,
  form: Form,
): Promise<TokenResponse> {
  if (!form.code) throw missing("code");
  if (!form.redirect_uri) throw missing("redirect_uri");
  const record = state.codes.get(form.code);
  if (!record) {
    throw new AadError("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", {
      suberror: "bad_token",
    });
  }
  if (record.clientId !== client.clientId) {
    throw new AadError(
      "invalid_grant",
      70000,
      "The provided authorization code was issued to a different client.",
    );
  }
  if (record.redeemed) {
    // A replayed code means it leaked: revoke everything issued from it (RFC 6749 §4.1.2).
    state.revokeWhere((rt) => rt.familyId === record.familyId);
    throw new AadError(
      "invalid_grant",
      54005,
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    );
  }
  if (record.expiresAt <= state.now()) {
    throw new AadError(
      "invalid_grant",
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  }
  if (record.redirectUri !== form.redirect_uri) {
    throw new AadError(
      "invalid_client",
      50011,
      `The redirect URI '${form.redirect_uri}' specified in the request does not match the redirect URI used to obtain the authorization code for the application '${client.clientId}'.`,
    );
  }
  if (record.codeChallenge !== undefined) {
    if (!form.code_verifier) throw missing("code_verifier");
    const computed = createHash("sha256").update(form.code_verifier).digest("base64url");
    if (computed !== record.codeChallenge) {
      throw new AadError(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
      );
    }
  }
  record.redeemed = true;
  const user = state.findUser(record.userId);
  if (!user) throw new AadError("invalid_grant", 50034, "The user account does not exist in the directory.");
  return userTokenResponse(state, client, user, record, {
    nonce: record.nonce,
    clientInfo: form.client_info === "1",
  });
}
