import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simpleRequest } from "../src/http-client.js";
import { type Emulator, startEmulator } from "../src/index.js";
import { printedEnv, runClient } from "./conformance/run-client.js";
import { ADELE } from "./helpers/oauth.js";

// MSAL Node 2.x (installed as `msal-node-2`, next to the current MSAL Node) and the current one,
// each in a process of its own with only the --print-env lines: the flow of Microsoft's msal-node
// Express sample (auth code + PKCE, silent from the cache, refresh, Graph, the sample's logout URL).

/** What msal-node-app.mjs prints. */
interface Seen {
  authCodeUrl: string;
  formAction: string;
  callbackState: string;
  sentState: string;
  byCode: Record<string, string> & { accessToken: string };
  silent: { fromCache: boolean; accessToken: string };
  refreshed: { fromCache: boolean; accessToken: string };
  me: { status: number; body: { displayName?: string } };
  logout: { uri: string; status: number; location: string | null; setCookie: string | null };
}

describe.each([
  ["MSAL Node 2.x (Microsoft's Express sample era)", "msal-node-2"],
  ["the current MSAL Node", "@azure/msal-node"],
])("%s against the --https emulator, configuration only", (_name, msalPackage) => {
  let emulator: Emulator;
  let seen: Seen;
  const run = (env: Record<string, string>) =>
    runClient<Seen>(process.execPath, ["msal-node-app.mjs"], {
      ...env,
      MSAL_PACKAGE: msalPackage,
      SIGN_IN_USER: ADELE,
    });

  beforeAll(async () => {
    emulator = await startEmulator({ https: true });
    seen = await run(printedEnv(emulator));
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
  });

  it("sends the authorize request to the https authority, with PKCE and MSAL's own parameters", () => {
    const url = new URL(seen.authCodeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.authority}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["User.Read", "openid", "profile", "offline_access"]),
    );
    expect(url.searchParams.get("response_mode")).toBe("form_post");
    expect(seen.formAction).toBe("http://localhost:5000/getAToken");
    expect(seen.callbackState).toBe(seen.sentState);
  });

  it("redeems the code over TLS for tokens MSAL accepts (issuer, audience, account)", () => {
    expect(seen.byCode).toMatchObject({
      username: ADELE,
      tenantId: emulator.tenantId,
      homeAccountId: `87d349ed-44d7-43e1-9a83-5f2406dee5bd.${emulator.tenantId}`,
      idTokenIss: emulator.issuer,
      idTokenAud: emulator.client.clientId,
    });
    expect(emulator.issuer.startsWith("https://")).toBe(true);
    expect(decodeJwt(seen.byCode.accessToken).scp).toContain("User.Read");
  });

  it("answers the silent request from MSAL's cache, then refreshes over TLS when forced", () => {
    expect(seen.silent).toEqual({ fromCache: true, accessToken: seen.byCode.accessToken });
    expect(seen.refreshed.fromCache).toBe(false);
    expect(seen.refreshed.accessToken).not.toBe(seen.byCode.accessToken);
    expect(emulator.requests({ grantType: "refresh_token" })).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);
  });

  it("calls Graph /me at GRAPH_BASE_URL with the refreshed token", () => {
    expect(seen.me).toMatchObject({ status: 200, body: { displayName: "Adele Vance" } });
  });

  it("signs out at ENTRA_AUTHORITY + /oauth2/v2.0/logout, the discovery's end-session endpoint", async () => {
    // This test process has no extra CA: read discovery through the emulator's CA-aware client.
    const response = await simpleRequest(emulator.caCertificate)(emulator.discoveryUrl);
    const discovery = JSON.parse(response.text) as { end_session_endpoint: string };
    expect(seen.logout.uri.split("?")[0]).toBe(discovery.end_session_endpoint);
    // Without client_id Entra redirects to the post_logout_redirect_uri because it is one of the
    // app's registered redirect URIs (the default client registers http://localhost:5000/).
    expect(seen.logout.setCookie).toContain("ESTSAUTH=;");
    expect(seen.logout.status).toBe(302);
    expect(seen.logout.location).toBe("http://localhost:5000/");
  });

  it("fails without NODE_EXTRA_CA_CERTS: the TLS is real, not skipped", async () => {
    const { NODE_EXTRA_CA_CERTS: _, ...withoutCa } = printedEnv(emulator);
    const before = emulator.requests().length;
    // MSAL reports the refused TLS handshake of its metadata request as unresolvable endpoints.
    await expect(run(withoutCa)).rejects.toThrow(/endpoints_resolution_error/);
    expect(emulator.requests()).toHaveLength(before);
  });
});
