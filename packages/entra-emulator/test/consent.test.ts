import { readFileSync } from "node:fs";
import { CryptoProvider } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/index.js";
import { emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { msalClientFor, REDIRECT_URI } from "./helpers/msal.js";
import {
  ADELE,
  aadstsOf,
  authorizeUrl,
  codeForm,
  DIEGO,
  flowOf,
  getCode,
  pkce,
  postStep,
  refresh,
  signInTokens,
  token,
} from "./helpers/oauth.js";

// Entra's consent model: configured permissions vs. consented ones (admin per client, user per
// client + user). The built-in client: User.Read admin-consented, User.ReadBasic.All configured only.
const emulator = emulatorForFile();

const MEGAN = "MeganB@M365x214355.onmicrosoft.com";
const CAPTURES = JSON.parse(
  readFileSync(new URL("../reference/token-error-responses.json", import.meta.url), "utf8"),
) as { errors: { id: string; body?: Record<string, unknown> }[] };

/** An Entra error description with its per-request ids and timestamp blanked out. */
function shape(description: string): string {
  return description
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\r|$)/g, "<id>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/, "<time>");
}
const ALEX = "AlexW@M365x214355.onmicrosoft.com";

function scpOf(accessToken: string): string[] {
  return String(decodeJwt(accessToken).scp).split(" ");
}

/** GET an authorize URL without following redirects. */
function get(url: string, cookie?: string) {
  return fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
}

/** Picks `userId` on the picker page; returns the response (consent page or redirect). */
function pick(html: string, userId: string) {
  return postStep(emulator, "login", { flow: flowOf(html), user: userId });
}

describe("default permissions", () => {
  it("grants the admin-consented User.Read and GroupMember.Read.All (and email) to a sign-in that asks only for openid profile offline_access", async () => {
    const { code, verifier } = await getCode(emulator, ADELE, { scope: "openid profile offline_access" });
    const { status, body } = await token(emulator, codeForm(emulator, code, verifier));
    expect(status).toBe(200);
    expect(String(body.scope).split(" ").sort()).toEqual([
      "GroupMember.Read.All",
      "User.Read",
      "email",
      "openid",
      "profile",
    ]);
    expect(scpOf(String(body.access_token))).toContain("User.Read");
    expect(decodeJwt(String(body.id_token)).email).toBe(ADELE);
  });

  it("lets MSAL serve a later silent User.Read request from its cache, without a token call", async () => {
    const msal = await msalClientFor(emulator);
    const crypto = new CryptoProvider();
    const { verifier, challenge } = await crypto.generatePkceCodes();
    const nonce = crypto.createNewGuid();
    const url = await msal.getAuthCodeUrl({
      scopes: [], // MSAL adds openid profile offline_access
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      nonce,
    });
    const code = (await emulator.signIn(url, MEGAN)).searchParams.get("code") ?? "";
    const signedIn = await msal.acquireTokenByCode({
      code,
      scopes: [],
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
      nonce,
    });
    const account = signedIn.account;
    if (!account) throw new Error("MSAL returned no account");
    const before = emulator.requests({ path: "/token" }).length;
    const silent = await msal.acquireTokenSilent({ account, scopes: ["User.Read"] });
    expect(silent.accessToken).toBe(signedIn.accessToken);
    expect(silent.scopes).toContain("User.Read");
    expect(emulator.requests({ path: "/token" }).length).toBe(before);
  });

  it("refreshes for a consented scope the sign-in did not ask for", async () => {
    const unconsentedAtSignIn = await signInTokens(emulator, ADELE, { scope: "openid offline_access" });
    const { status, body } = await refresh(emulator, unconsentedAtSignIn.refresh_token, {
      scope: "https://graph.microsoft.com/User.Read openid offline_access",
    });
    expect(status).toBe(200);
    expect(scpOf(String(body.access_token))).toContain("User.Read");
  });

  it("grants nothing unconsented: a client without admin consent gets no User.Read", async () => {
    const bare = await startWithClient({ adminConsent: [] });
    try {
      const tokens = await signInTokens(bare, ADELE, { scope: "openid profile offline_access" });
      expect(scpOf(tokens.access_token)).not.toContain("User.Read");
    } finally {
      await bare.close();
    }
  });
});

describe("a configured but unconsented scope", () => {
  it("asked silently (refresh) fails with AADSTS65001 invalid_grant, suberror consent_required, as Entra sends it", async () => {
    const tokens = await signInTokens(emulator, DIEGO);
    const { status, body } = await refresh(emulator, tokens.refresh_token, {
      scope: "User.ReadBasic.All openid profile offline_access",
    });
    expect(status).toBe(400);
    // Entra's captured body (reference/token-error-responses.json): same keys in the same order
    // (no error_uri), same error, code and suberror, same description up to the app's id and name.
    const captured = CAPTURES.errors.find((e) => e.id === "consent_required_65001")?.body ?? {};
    expect(Object.keys(body)).toEqual(Object.keys(captured));
    expect(body).toMatchObject({
      error: captured.error,
      error_codes: captured.error_codes,
      suberror: captured.suberror,
    });
    const app = `'${emulator.client.clientId}' named 'entra-bff (local emulator)'`;
    const template = String(captured.error_description).replace(/'[^']+' named '[^']+'/, app);
    expect(shape(String(body.error_description))).toBe(shape(template));
  });

  it("asked with prompt=none goes back to the app as consent_required (AADSTS65001)", async () => {
    const picker = await get(authorizeUrl(emulator, { scope: "openid User.Read" }));
    const picked = await pick(await picker.text(), emulator.users[3]?.id ?? "");
    const cookie = (picked.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const silent = await get(
      authorizeUrl(emulator, { scope: "openid User.ReadBasic.All", prompt: "none" }),
      cookie,
    );
    const location = new URL(silent.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("consent_required");
    expect(location.searchParams.get("error_description")).toMatch(/^AADSTS65001: /);
    expect(location.searchParams.get("state")).toBe("state-123");
  });

  it("asked interactively shows a consent step after the picker; Accept grants it for that user only", async () => {
    const scope = "openid profile offline_access User.ReadBasic.All";
    const picker = await get(authorizeUrl(emulator, { scope }));
    const alex = emulator.users.find((u) => u.userPrincipalName === ALEX)?.id ?? "";
    const consent = await pick(await picker.text(), alex);
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain("Permissions requested");
    expect(html).toContain('<span class="scope">User.ReadBasic.All</span>');
    expect(html).not.toContain('<span class="scope">User.Read</span>'); // already admin-consented
    expect(html).toMatch(/<form method="post" action="\/[^"]+\/consent"/);

    const accepted = await postStep(emulator, "consent", { flow: flowOf(html), action: "accept" });
    expect(accepted.status).toBe(302);
    expect(new URL(accepted.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();

    // Recorded as Alex's consent: a later sign-in gets it without asking, and refresh may ask for it.
    const alexTokens = await signInTokens(emulator, ALEX, { scope: "openid profile offline_access" });
    expect(scpOf(alexTokens.access_token)).toContain("User.ReadBasic.All");
    const refreshed = await refresh(emulator, alexTokens.refresh_token, {
      scope: "User.ReadBasic.All openid",
    });
    expect(refreshed.status).toBe(200);
    // …but not anyone else's.
    const adele = await signInTokens(emulator, ADELE);
    expect(scpOf(adele.access_token)).not.toContain("User.ReadBasic.All");
    expect(
      aadstsOf((await refresh(emulator, adele.refresh_token, { scope: "User.ReadBasic.All" })).body),
    ).toBe(65001);
  });

  it("declined on the consent step goes back as access_denied (AADSTS65004) and records nothing", async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(emulator, {
      scope: "openid User.ReadBasic.All",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const callback = await emulator.signIn(url, "Lynne Robbins", { consent: "cancel" });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("error_description")).toMatch(/^AADSTS65004: /);
    const lynne = await signInTokens(emulator, "Lynne Robbins", { scope: "openid offline_access" });
    expect(scpOf(lynne.access_token)).not.toContain("User.ReadBasic.All");
  });

  it("refuses a consent form without a parked consent step (no user swap through a picker flow)", async () => {
    const html = await (await get(authorizeUrl(emulator))).text();
    const response = await postStep(emulator, "consent", {
      flow: flowOf(html),
      action: "accept",
      user: emulator.users[0]?.id ?? "",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("AADSTS9002313");
  });

  it("shows Entra's 'Need admin approval' (AADSTS90094) for an admin-only permission", async () => {
    const response = await get(authorizeUrl(emulator, { scope: "openid User.Read.All", login_hint: ADELE }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("AADSTS90094");
  });

  it("shows the consent step for everything asked with prompt=consent", async () => {
    const response = await get(authorizeUrl(emulator, { prompt: "consent", login_hint: ADELE }));
    const html = await response.text();
    expect(html).toContain('<span class="scope">User.Read</span>');
  });
});

describe("permissions on other APIs (api://…)", () => {
  const API = "api://6f1c9c3e-4b5a-4d8e-9f00-1a2b3c4d5e6f";

  it("issues an access token for the other API when its scope is configured and consented", async () => {
    const withApi = await startWithClient({
      permissions: ["User.Read", `${API}/Orders.Read`],
      adminConsent: ["User.Read", `${API}/Orders.Read`],
    });
    try {
      const tokens = await signInTokens(withApi, ADELE, {
        scope: `openid offline_access ${API}/orders.read`,
      });
      const claims = decodeJwt(tokens.access_token);
      expect(claims.aud).toBe(API);
      expect(claims.scp).toBe("Orders.Read");
      // Graph refuses a token for another audience.
      const graph = await fetch(`${withApi.graphBaseUrl}/v1.0/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(graph.status).toBe(401);
    } finally {
      await withApi.close();
    }
  });

  it("answers an unconfigured api:// scope with AADSTS70011 and two resources in one request with AADSTS28000", async () => {
    const unknown = await get(authorizeUrl(emulator, { scope: `openid ${API}/Orders.Read` }));
    expect(new URL(unknown.headers.get("location") ?? "").searchParams.get("error_description")).toMatch(
      /^AADSTS70011: /,
    );
    const withApi = await startWithClient({
      permissions: ["User.Read", `${API}/Orders.Read`],
      adminConsent: ["User.Read"],
    });
    try {
      const mixed = await get(authorizeUrl(withApi, { scope: `openid User.Read ${API}/Orders.Read` }));
      const location = new URL(mixed.headers.get("location") ?? "");
      expect(location.searchParams.get("error")).toBe("invalid_scope");
      expect(location.searchParams.get("error_description")).toMatch(/^AADSTS28000: /);
    } finally {
      await withApi.close();
    }
  });
});

describe("permission configuration", () => {
  const client = {
    clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    clientSecrets: ["s"],
    redirectUris: ["http://localhost:3000/cb"],
  };

  it("defaults to User.Read, admin-consented", () => {
    expect(parseConfig({ clients: [client] }).clients[0]).toMatchObject({
      permissions: ["User.Read"],
      adminConsent: ["User.Read"],
    });
  });

  it("names the field for an unknown permission and for consent to an unconfigured one", () => {
    expect(() => parseConfig({ clients: [{ ...client, permissions: ["Nope.Read"] }] })).toThrow(
      /clients\[0\]\.permissions has "Nope\.Read"/,
    );
    expect(() =>
      parseConfig({ clients: [{ ...client, permissions: ["User.Read"], adminConsent: ["Mail.Read"] }] }),
    ).toThrow(/clients\[0\]\.adminConsent has "Mail\.Read", which is not among the client's permissions/);
  });
});
