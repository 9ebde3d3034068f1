import { InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import { msalClientFor, msalSignIn } from "./helpers/msal.js";

const emulator = emulatorForFile();

describe("MSAL Node ConfidentialClientApplication against the emulator", () => {
  it("signs Adele in with auth code + PKCE and gets Entra-shaped tokens", async () => {
    const msal = await msalClientFor(emulator);
    const { result, callback, state } = await msalSignIn(
      emulator,
      msal,
      "AdeleV@M365x214355.onmicrosoft.com",
    );
    expect(callback.searchParams.get("state")).toBe(state);
    expect(result.account?.username).toBe("AdeleV@M365x214355.onmicrosoft.com");
    expect(result.account?.name).toBe("Adele Vance");
    expect(result.account?.homeAccountId).toBe(`87d349ed-44d7-43e1-9a83-5f2406dee5bd.${emulator.tenantId}`);
    expect(result.tenantId).toBe(emulator.tenantId);
    const idClaims = decodeJwt(result.idToken);
    expect(idClaims).toMatchObject({
      aud: emulator.client.clientId,
      iss: emulator.issuer,
      ver: "2.0",
      tid: emulator.tenantId,
    });
    const access = decodeJwt(result.accessToken);
    expect(access.aud).toBe("00000003-0000-0000-c000-000000000000");
    expect(String(access.scp).split(" ")).toContain("User.Read");
  });

  it("serves acquireTokenSilent from the cache, then refreshes on forceRefresh", async () => {
    const msal = await msalClientFor(emulator);
    const { result } = await msalSignIn(emulator, msal, "MeganB@M365x214355.onmicrosoft.com");
    const account = result.account;
    if (!account) throw new Error("no account");
    const refreshesBefore = emulator.requests({ grantType: "refresh_token" }).length;

    const cached = await msal.acquireTokenSilent({ account, scopes: ["User.Read"] });
    expect(cached.accessToken).toBe(result.accessToken);
    expect(emulator.requests({ grantType: "refresh_token" })).toHaveLength(refreshesBefore);

    const refreshed = await msal.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect(refreshed.account?.homeAccountId).toBe(account.homeAccountId);
    expect(refreshed.idToken).toBeTruthy();
    expect(emulator.requests({ grantType: "refresh_token" })).toHaveLength(refreshesBefore + 1);

    const me = await fetch(`${emulator.graphBaseUrl}/v1.0/me`, {
      headers: { authorization: `Bearer ${refreshed.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ displayName: "Megan Bowen", jobTitle: "Auditor" });
  });

  it("refreshes silently, without forceRefresh, when the access token has under 5 minutes left", async () => {
    emulator.setTokenLifetimes({ accessTokenSeconds: 200 });
    try {
      const msal = await msalClientFor(emulator);
      const { result } = await msalSignIn(emulator, msal, "AlexW@M365x214355.onmicrosoft.com");
      if (!result.account) throw new Error("no account");
      const before = emulator.requests({ grantType: "refresh_token" }).length;
      const silent = await msal.acquireTokenSilent({ account: result.account, scopes: ["User.Read"] });
      expect(silent.accessToken).not.toBe(result.accessToken);
      expect(emulator.requests({ grantType: "refresh_token" })).toHaveLength(before + 1);
    } finally {
      emulator.reset();
    }
  });

  it("surfaces a revoked refresh token as MSAL's ServerError invalid_grant with AADSTS70008", async () => {
    const msal = await msalClientFor(emulator);
    const { result } = await msalSignIn(emulator, msal, "LynneR@M365x214355.onmicrosoft.com");
    if (!result.account) throw new Error("no account");
    emulator.revokeRefreshTokens("LynneR@M365x214355.onmicrosoft.com");
    const error = await msal
      .acquireTokenSilent({ account: result.account, scopes: ["User.Read"], forceRefresh: true })
      .catch((e: unknown) => e);
    // Entra sends 70008 without a suberror, so MSAL does not classify it as "interaction required".
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ errorCode: "invalid_grant", errorNo: 70008 });
  });

  it("surfaces a queued AADSTS50076 (MFA required, suberror basic_action) as InteractionRequiredAuthError", async () => {
    const msal = await msalClientFor(emulator);
    const { result } = await msalSignIn(emulator, msal, "DiegoS@M365x214355.onmicrosoft.com");
    if (!result.account) throw new Error("no account");
    emulator.queueError("token", 50076, { error: "invalid_grant", grantType: "refresh_token" });
    const error = await msal
      .acquireTokenSilent({ account: result.account, scopes: ["User.Read"], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect(error).toMatchObject({ errorCode: "invalid_grant", subError: "basic_action", errorNo: 50076 });
  });

  it("hands MSAL a Conditional Access claims challenge with the error, as Entra does", async () => {
    const msal = await msalClientFor(emulator);
    const { result } = await msalSignIn(emulator, msal, "AlexW@M365x214355.onmicrosoft.com");
    if (!result.account) throw new Error("no account");
    const challenge = JSON.stringify({ access_token: { capolids: { essential: true, values: ["c1"] } } });
    emulator.queueError("token", 50076, {
      error: "invalid_grant",
      grantType: "refresh_token",
      claims: challenge,
    });
    const error = await msal
      .acquireTokenSilent({ account: result.account, scopes: ["User.Read"], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect((error as InteractionRequiredAuthError).claims).toBe(challenge);
  });

  it("signs out at the end_session_endpoint from the metadata MSAL was given", async () => {
    const msal = await msalClientFor(emulator);
    const { result } = await msalSignIn(emulator, msal, "AdeleV@M365x214355.onmicrosoft.com");
    if (!result.account) throw new Error("no account");
    await msal.getTokenCache().removeAccount(result.account);
    expect(await msal.getTokenCache().getAllAccounts()).toHaveLength(0);
    const metadata = (await (await fetch(emulator.discoveryUrl)).json()) as { end_session_endpoint: string };
    const logout = new URL(metadata.end_session_endpoint);
    logout.searchParams.set("post_logout_redirect_uri", "http://localhost:5000/");
    logout.searchParams.set("client_id", emulator.client.clientId);
    const response = await fetch(logout, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:5000/");
  });
});
