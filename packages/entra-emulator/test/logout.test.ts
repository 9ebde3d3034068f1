import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/index.js";
import { builtInClient, emulatorForFile } from "./helpers/emulator.js";
import { signInTokens } from "./helpers/oauth.js";

// Entra's post-logout rule: the URI must be one of the app's registered redirect URIs — of the
// app named by client_id / id_token_hint, or of any registered app when neither is sent (MSAL).
const OTHER_APP = "http://localhost:8000/";
const builtIn = builtInClient();
const emulator = emulatorForFile({
  config: {
    ...DEFAULT_CONFIG,
    clients: [
      builtIn,
      {
        clientId: "bbbbbbbb-0000-4000-8000-000000000002",
        displayName: "Other app",
        clientSecrets: ["other"],
        redirectUris: [OTHER_APP],
        postLogoutRedirectUris: [],
        certificates: [],
      },
    ],
  },
});

function logout(params: Record<string, string>) {
  return fetch(`${emulator.authority}/oauth2/v2.0/logout?${new URLSearchParams(params)}`, {
    redirect: "manual",
  });
}

async function expectSignedOutPage(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("location")).toBeNull();
  expect(await response.text()).toContain("You signed out of your account");
}

describe("post_logout_redirect_uri", () => {
  it("redirects MSAL's logout URL (no client_id) to a registered redirect URI, with the state", async () => {
    // The built-in client registers the BFF's PUBLIC_URL/ as a redirect URI.
    const response = await logout({ post_logout_redirect_uri: "http://localhost:5000/", state: "s1" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:5000/?state=s1");
  });

  it("without client_id, accepts any registered client's redirect URI", async () => {
    const response = await logout({ post_logout_redirect_uri: OTHER_APP });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(OTHER_APP);
  });

  it("without client_id, never redirects to an unregistered URI", async () => {
    await expectSignedOutPage(await logout({ post_logout_redirect_uri: "https://evil.example/" }));
  });

  it("with client_id, accepts only that client's URIs", async () => {
    await expectSignedOutPage(
      await logout({ client_id: emulator.client.clientId, post_logout_redirect_uri: OTHER_APP }),
    );
    const own = await logout({
      client_id: emulator.client.clientId,
      post_logout_redirect_uri: "http://localhost:5000/",
    });
    expect(own.status).toBe(302);
  });

  it("with id_token_hint, accepts only the URIs of the client the ID token was issued to", async () => {
    const { id_token } = await signInTokens(emulator);
    await expectSignedOutPage(await logout({ id_token_hint: id_token, post_logout_redirect_uri: OTHER_APP }));
  });

  it("with an unknown client_id, does not redirect", async () => {
    await expectSignedOutPage(
      await logout({
        client_id: "cccccccc-0000-4000-8000-000000000003",
        post_logout_redirect_uri: "http://localhost:5000/",
      }),
    );
  });
});
