import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import { DIEGO } from "./helpers/oauth.js";

const REDIRECT = "http://localhost:5000/getAToken";
const emulator = emulatorForFile();
let config: oidc.Configuration;

beforeAll(async () => {
  config = await oidc.discovery(
    new URL(emulator.issuer),
    emulator.client.clientId,
    undefined,
    oidc.ClientSecretPost(emulator.client.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  // Verify ID token signatures against the emulator's JWKS too (off by default in openid-client).
  oidc.enableNonRepudiationChecks(config);
});

/** openid-client's auth code + PKCE flow, with the emulator's picker standing in for the browser. */
async function signIn(username: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile offline_access User.Read",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const callback = await emulator.signIn(url.href, username);
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
}

describe("openid-client (panva) against the emulator, unchanged", () => {
  it("discovers the emulator's metadata", () => {
    expect(config.serverMetadata().issuer).toBe(emulator.issuer);
    expect(config.serverMetadata().supportsPKCE()).toBe(true);
  });

  it("completes sign-in with auth code + PKCE and validates the signed ID token", async () => {
    const tokens = await signIn("Alex Wilber");
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: emulator.issuer,
      aud: emulator.client.clientId,
      tid: emulator.tenantId,
      name: "Alex Wilber",
      preferred_username: "AlexW@M365x214355.onmicrosoft.com",
      oid: "4782e723-f4f4-4af3-a76e-25e3bab0d896",
      ver: "2.0",
    });
    expect(tokens.expiresIn()).toBeGreaterThan(3500);
  });

  it("fetches /oidc/userinfo with the same subject as the ID token", async () => {
    const tokens = await signIn("Alex Wilber");
    const sub = tokens.claims()?.sub ?? "";
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    expect(userinfo).toMatchObject({ sub, name: "Alex Wilber", email: "AlexW@M365x214355.onmicrosoft.com" });
  });

  it("refreshes, getting a rotated refresh token and a new signed ID token for the same subject", async () => {
    const tokens = await signIn(DIEGO);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "");
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(tokens.claims()?.sub);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("calls Graph /me with the access token", async () => {
    const tokens = await signIn(DIEGO);
    const response = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${emulator.graphBaseUrl}/v1.0/me`),
      "GET",
    );
    expect(((await response.json()) as { displayName: string }).displayName).toBe("Diego Siciliani");
  });

  it("signs out through the end-session URL back to the registered post-logout URI", async () => {
    const tokens = await signIn("Alex Wilber");
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? "",
      post_logout_redirect_uri: "http://localhost:5000/",
      state: "after-logout",
    });
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:5000/?state=after-logout");
  });

  it("rejects a hostile ID token (wrong nonce) instead of completing sign-in", async () => {
    emulator.issueHostileIdToken("wrong-nonce");
    const error = await signIn("Alex Wilber").catch((e: unknown) => e);
    expect((error as { cause?: { message?: string } }).cause?.message).toBe(
      'unexpected ID Token "nonce" claim value',
    );
  });

  it("rejects an ID token signed by an unknown key", async () => {
    emulator.issueHostileIdToken("wrong-signature");
    await expect(signIn("Alex Wilber")).rejects.toThrow();
  });

  it("completes the client_credentials grant for the configuration check", async () => {
    const tokens = await oidc.clientCredentialsGrant(config, {
      scope: "https://graph.microsoft.com/.default",
    });
    expect(tokens.token_type).toBe("bearer");
  });
});
