import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { DEFAULT_MANAGED_IDENTITIES } from "../src/default-directory.js";
import { DEFAULT_CONFIG, type Emulator, startEmulator } from "../src/index.js";
import { rsaKeyPair } from "../src/keys.js";
import { emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { aadstsOf, codeForm, getCode, token } from "./helpers/oauth.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const emulator = emulatorForFile();

/** client_credentials authenticated by a federated assertion alone (no secret). */
function appToken(em: Emulator, assertion: string) {
  return token(em, {
    grant_type: "client_credentials",
    client_id: em.client.clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    scope: "https://graph.microsoft.com/.default",
  });
}

/** A token signed by a key the issuer never published. */
async function forged(issuer: string, subject: string) {
  const { privateKey } = rsaKeyPair();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: "x" })
    .setProtectedHeader({ alg: "RS256", kid: "forged" })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience("api://AzureADTokenExchange")
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
}

describe("workload identity federation (client_assertion from a trusted issuer)", () => {
  it("accepts the built-in issuer's token for the trusted subject, at the token endpoint and for a code", async () => {
    const assertion = await emulator.mintWorkloadAssertion();
    expect(decodeJwt(assertion).iss).toBe(`${emulator.url}/workload-issuer`);
    const app = await appToken(emulator, assertion);
    expect(app.status, JSON.stringify(app.body)).toBe(200);
    const { code, verifier } = await getCode(emulator);
    const { client_secret: _secret, ...form } = codeForm(emulator, code, verifier);
    const user = await token(emulator, {
      ...form,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    expect(user.body.id_token).toBeTypeOf("string");
  });

  it("publishes the issuer's discovery document and JWKS", async () => {
    const discovery = (await (
      await fetch(`${emulator.url}/workload-issuer/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(`${emulator.url}/workload-issuer`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
    const { kid } = JSON.parse(
      Buffer.from(String((await emulator.mintWorkloadAssertion()).split(".")[0]), "base64url").toString(),
    );
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
  });

  it.each([
    [
      "another subject",
      () => emulator.mintWorkloadAssertion({ subject: "system:serviceaccount:default:intruder" }),
      700213,
    ],
    ["another audience", () => emulator.mintWorkloadAssertion({ audience: "api://SomethingElse" }), 700212],
    [
      "an issuer nobody trusts",
      () => forged("https://kubernetes.default.svc.cluster.local", "system:serviceaccount:default:entra-bff"),
      700211,
    ],
    [
      "a forged signature for the trusted issuer",
      () => forged(`${emulator.url}/workload-issuer`, "system:serviceaccount:default:entra-bff"),
      700027,
    ],
  ])("refuses %s", async (_name, make, code) => {
    const result = await appToken(emulator, await make());
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(aadstsOf(result.body)).toBe(code);
    expect(String(result.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it("answers malformed or hostile assertions with 4xx, never 5xx", async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = (header: unknown, claims: unknown) => `${b64(header)}.${b64(claims)}.c2ln`;
    const issuer = `${emulator.url}/workload-issuer`;
    for (const assertion of [
      "a.b.c",
      "not-a-jwt",
      unsigned({ alg: "none" }, { iss: issuer, sub: "system:serviceaccount:default:entra-bff" }),
      unsigned({ alg: "HS256", kid: "x" }, { iss: issuer, sub: "s", aud: "api://AzureADTokenExchange" }),
      unsigned({ alg: "RS256" }, { iss: 42, sub: { a: 1 }, aud: [null] }),
      unsigned({ alg: "RS256", kid: "missing" }, { iss: issuer, sub: "s", exp: "soon" }),
    ]) {
      const result = await appToken(emulator, assertion);
      expect(result.status, assertion).toBeGreaterThanOrEqual(400);
      expect(result.status, assertion).toBeLessThan(500);
    }
  });

  it("refuses an expired assertion with AADSTS700024 (a stale cached file)", async () => {
    const assertion = await emulator.mintWorkloadAssertion({ lifetimeSeconds: 60 });
    emulator.advanceClock(3600);
    try {
      const result = await appToken(emulator, assertion);
      expect(aadstsOf(result.body)).toBe(700024);
    } finally {
      emulator.reset();
    }
  });

  it("answers AADSTS70021 when the app has no federated credential at all", async () => {
    const plain = await startWithClient({ federatedCredentials: [] });
    try {
      const result = await appToken(plain, await plain.mintWorkloadAssertion());
      expect(aadstsOf(result.body)).toBe(70021);
      expect(String(result.body.error_description)).toContain(
        "Assertion Subject: 'system:serviceaccount:default:entra-bff'",
      );
    } finally {
      await plain.close();
    }
  });

  it("fetches an external issuer's keys from its discovery document (another emulator as the issuer)", async () => {
    const issuer = await startEmulator();
    const base = DEFAULT_CONFIG.clients[0];
    if (!base) throw new Error("no built-in client");
    const trusting = await startEmulator({
      config: {
        ...DEFAULT_CONFIG,
        clients: [
          {
            ...base,
            clientSecrets: [],
            federatedCredentials: [
              {
                name: "ci",
                issuer: `${issuer.url}/workload-issuer`,
                subject: "repo:contoso/app:ref:refs/heads/main",
                audiences: ["api://AzureADTokenExchange"],
                jwks: null,
              },
            ],
          },
        ],
      },
    });
    try {
      const good = await issuer.mintWorkloadAssertion({ subject: "repo:contoso/app:ref:refs/heads/main" });
      expect((await appToken(trusting, good)).status).toBe(200);
      // The trusting emulator's own issuer signs with other keys: not the trusted issuer's.
      const foreign = await forged(`${issuer.url}/workload-issuer`, "repo:contoso/app:ref:refs/heads/main");
      expect(aadstsOf((await appToken(trusting, foreign)).body)).toBe(700027);
    } finally {
      await trusting.close();
      await issuer.close();
    }
  });
});

describe("managed identity endpoints", () => {
  const imds = (em: Emulator, query: string, headers: Record<string, string> = { metadata: "true" }) =>
    fetch(`${em.url}/metadata/identity/oauth2/token?${query}`, { headers });

  it("issues an api://AzureADTokenExchange token (IMDS) that the app's federated credential accepts", async () => {
    const response = await imds(emulator, "api-version=2018-02-01&resource=api://AzureADTokenExchange");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    const claims = decodeJwt(body.access_token ?? "");
    expect(claims).toMatchObject({
      aud: "api://AzureADTokenExchange",
      iss: emulator.issuer,
      sub: DEFAULT_MANAGED_IDENTITIES[0]?.principalId,
    });
    expect(body.client_id).toBe(DEFAULT_MANAGED_IDENTITIES[0]?.clientId);
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    expect((await appToken(emulator, body.access_token ?? "")).status).toBe(200);
    const userAssigned = await imds(
      emulator,
      `api-version=2018-02-01&resource=api://AzureADTokenExchange&client_id=${DEFAULT_MANAGED_IDENTITIES[1]?.clientId}`,
    );
    const uaToken = ((await userAssigned.json()) as Record<string, string>).access_token ?? "";
    expect(decodeJwt(uaToken).sub).toBe(DEFAULT_MANAGED_IDENTITIES[1]?.principalId);
  });

  it("refuses what IMDS refuses: no Metadata header, no resource, another resource, an unknown identity", async () => {
    const cases: [string, Record<string, string>, string][] = [
      ["api-version=2018-02-01&resource=api://AzureADTokenExchange", {}, "invalid_request"],
      ["api-version=2018-02-01", { metadata: "true" }, "invalid_request"],
      [
        "api-version=2018-02-01&resource=https://graph.microsoft.com",
        { metadata: "true" },
        "invalid_resource",
      ],
      [
        "api-version=2018-02-01&resource=api://AzureADTokenExchange&client_id=00000000-0000-0000-0000-000000000000",
        { metadata: "true" },
        "invalid_request",
      ],
    ];
    for (const [query, headers, error] of cases) {
      const response = await imds(emulator, query, headers);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(error);
    }
  });

  it("serves the App Service endpoint only with the right X-IDENTITY-HEADER", async () => {
    const { IDENTITY_ENDPOINT, IDENTITY_HEADER } = emulator.managedIdentityEnv;
    const url = `${IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=api://AzureADTokenExchange`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { "x-identity-header": "guess" } })).status).toBe(401);
    const ok = await fetch(url, { headers: { "x-identity-header": IDENTITY_HEADER } });
    expect(ok.status).toBe(200);
    expect(decodeJwt(((await ok.json()) as { access_token: string }).access_token).aud).toBe(
      "api://AzureADTokenExchange",
    );
  });
});
