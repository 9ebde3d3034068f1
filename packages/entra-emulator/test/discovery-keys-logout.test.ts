import { describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";

const emulator = emulatorForFile({
  redirectUris: ["http://localhost:7000/getAToken"],
  postLogoutRedirectUris: ["http://localhost:7000/"],
});

async function json(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /{tenant}/v2.0/.well-known/openid-configuration", () => {
  it("publishes Entra's fields with the emulator's endpoints and an honest http issuer", async () => {
    const { status, body } = await json(emulator.discoveryUrl);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: emulator.issuer,
      authorization_endpoint: `${emulator.authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${emulator.authority}/oauth2/v2.0/token`,
      end_session_endpoint: `${emulator.authority}/oauth2/v2.0/logout`,
      jwks_uri: `${emulator.authority}/discovery/v2.0/keys`,
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["RS256"],
      tenant_region_scope: "NA",
      subject_types_supported: ["pairwise"],
    });
    expect(body.claims_supported).toContain("tid");
    expect(emulator.issuer).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/dcd219dd-bc68-4b9b-bf0b-4a33a796be35\/v2\.0$/,
    );
  });

  it("answers the tenant's domain too, and 400 AADSTS90002 for an unknown tenant", async () => {
    expect(
      (await json(`${emulator.url}/M365x214355.onmicrosoft.com/v2.0/.well-known/openid-configuration`))
        .status,
    ).toBe(200);
    const unknown = await json(`${emulator.url}/fabrikam.com/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error_codes).toEqual([90002]);
  });

  const instance = (authorizationEndpoint: string) =>
    json(
      `${emulator.url}/common/discovery/instance?${new URLSearchParams({ "api-version": "1.1", authorization_endpoint: authorizationEndpoint })}`,
    );

  it("answers instance discovery like Entra for its own host, naming its loopback aliases", async () => {
    const { host, port } = new URL(emulator.url);
    // MSAL sends an https authority even to the plain-http emulator.
    const { status, body } = await instance(`https://${host}/${emulator.tenantId}/oauth2/v2.0/authorize`);
    expect(status).toBe(200);
    expect(body).toEqual({
      tenant_discovery_endpoint: emulator.discoveryUrl,
      "api-version": "1.1",
      metadata: [
        {
          preferred_network: host,
          preferred_cache: host,
          aliases: [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`],
        },
      ],
    });
  });

  it.each([
    ["an unknown host", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"],
    ["the emulator's host on another port", "https://127.0.0.1:1/common/oauth2/v2.0/authorize"],
    ["a value that is not a URL", "x"],
  ])("answers %s with invalid_instance (AADSTS50049), as Entra does", async (_name, endpoint) => {
    const { status, body } = await instance(endpoint);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_instance",
      error_codes: [50049],
      error_uri: "https://login.microsoftonline.com/error?code=50049",
    });
    expect(String(body.error_description)).toMatch(
      /^AADSTS50049: Unknown or invalid instance\.\r\nTrace ID: /,
    );
  });
});

describe("GET /{tenant}/discovery/v2.0/keys", () => {
  it("publishes RSA signing keys with kids, and keeps the old key only while keepOld", async () => {
    const kids = async () =>
      (
        (await json(`${emulator.authority}/discovery/v2.0/keys`)).body.keys as {
          kid: string;
          kty: string;
          use: string;
        }[]
      ).map((k) => k.kid);
    const [original] = await kids();
    expect(original).toMatch(/^[\w-]{27}$/);
    emulator.rotateKeys();
    const afterRotation = await kids();
    expect(afterRotation).toHaveLength(2);
    expect(afterRotation[1]).toBe(original);
    emulator.rotateKeys({ keepOld: false });
    const afterHardRotation = await kids();
    expect(afterHardRotation).toHaveLength(1);
    expect(afterHardRotation).not.toContain(original);
  });
});

describe("GET /{tenant}/oauth2/v2.0/logout", () => {
  const logout = (params: Record<string, string>) =>
    fetch(`${emulator.authority}/oauth2/v2.0/logout?${new URLSearchParams(params)}`, { redirect: "manual" });

  it("redirects to a registered post_logout_redirect_uri with the state and clears ESTSAUTH", async () => {
    const response = await logout({
      client_id: emulator.client.clientId,
      post_logout_redirect_uri: "http://localhost:7000/",
      state: "bye",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:7000/?state=bye");
    expect(response.headers.get("set-cookie")).toMatch(/^ESTSAUTH=; .*Max-Age=0/);
  });

  it("shows 'You signed out' instead of redirecting to an unregistered URI", async () => {
    const response = await logout({
      client_id: emulator.client.clientId,
      post_logout_redirect_uri: "https://evil.example/",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("You signed out of your account");
  });

  it("shows 'You signed out' without a post_logout_redirect_uri", async () => {
    const response = await logout({});
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You signed out");
  });
});
