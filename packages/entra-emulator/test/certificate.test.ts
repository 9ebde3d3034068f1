import { createHash, createPrivateKey, randomUUID, X509Certificate } from "node:crypto";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/index.js";
import { makeCertificate } from "./helpers/certs.js";
import { builtInClient, emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { msalClientFor, msalSignIn } from "./helpers/msal.js";
import { aadstsOf, getCode, REDIRECT, token } from "./helpers/oauth.js";

let registered: { certPem: string; keyPem: string };
let stranger: { certPem: string; keyPem: string };
const thumbprints = (pem: string) => {
  const raw = new X509Certificate(pem).raw;
  return {
    x5t: createHash("sha1").update(raw).digest("base64url"),
    s256: createHash("sha256").update(raw).digest("base64url"),
    sha256Hex: createHash("sha256").update(raw).digest("hex"),
  };
};

beforeAll(async () => {
  registered = makeCertificate("registered");
  stranger = makeCertificate("stranger");
});
// After the certificates exist: the built-in client knows `registered` (and its secret).
const emulator = emulatorForFile(() => {
  const client = { ...builtInClient(), certificates: [registered.certPem] };
  return { config: { ...DEFAULT_CONFIG, clients: [client] } };
});

interface AssertionOptions {
  key?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  alg?: string;
}

async function assertion(options: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const alg = options.alg ?? "RS256";
  return new SignJWT({
    iss: emulator.client.clientId,
    sub: emulator.client.clientId,
    aud: `${emulator.authority}/oauth2/v2.0/token`,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
    ...options.claims,
  })
    .setProtectedHeader({
      alg,
      typ: "JWT",
      "x5t#S256": thumbprints(registered.certPem).s256,
      ...options.header,
    })
    .sign(createPrivateKey(options.key ?? registered.keyPem));
}

function clientCredentials(clientAssertion: string) {
  return token(emulator, {
    grant_type: "client_credentials",
    client_id: emulator.client.clientId,
    scope: "https://graph.microsoft.com/.default",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: clientAssertion,
  });
}

describe("certificate client_assertion", () => {
  it("lets MSAL Node sign in with a certificate credential (code + PKCE, then refresh)", async () => {
    const msal = await msalClientFor(emulator, {
      clientCertificate: {
        thumbprintSha256: thumbprints(registered.certPem).sha256Hex,
        privateKey: registered.keyPem,
      },
    });
    const { result } = await msalSignIn(emulator, msal, "LynneR@M365x214355.onmicrosoft.com");
    expect(result.account?.name).toBe("Lynne Robbins");
    const account = result.account;
    if (!account) throw new Error("no account");
    const refreshed = await msal.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
  });

  it("accepts RS256 with x5t (SHA-1) and PS256 with x5t#S256", async () => {
    const x5t = await assertion({
      header: { "x5t#S256": undefined, x5t: thumbprints(registered.certPem).x5t },
    });
    expect((await clientCredentials(x5t)).status).toBe(200);
    expect((await clientCredentials(await assertion({ alg: "PS256" }))).status).toBe(200);
  });

  it("redeems an authorization code with an assertion instead of a secret", async () => {
    const { code, verifier } = await getCode(emulator);
    const { status } = await token(emulator, {
      grant_type: "authorization_code",
      client_id: emulator.client.clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await assertion(),
    });
    expect(status).toBe(200);
  });

  it("accepts the same assertion twice by default, as MSAL re-sends its cached assertion", async () => {
    const once = await assertion();
    expect((await clientCredentials(once)).status).toBe(200);
    expect((await clientCredentials(once)).status).toBe(200);
  });

  it("refuses a replayed jti with AADSTS700027 when the client asks for single-use assertions", async () => {
    const client = builtInClient();
    const strict = await startWithClient({ certificates: [registered.certPem], singleUseAssertions: true });
    try {
      const now = Math.floor(Date.now() / 1000);
      const once = await new SignJWT({
        iss: client.clientId,
        sub: client.clientId,
        aud: `${strict.authority}/oauth2/v2.0/token`,
        jti: randomUUID(),
        exp: now + 600,
      })
        .setProtectedHeader({ alg: "RS256", "x5t#S256": thumbprints(registered.certPem).s256 })
        .sign(createPrivateKey(registered.keyPem));
      const form = {
        grant_type: "client_credentials",
        client_id: client.clientId,
        scope: "https://graph.microsoft.com/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: once,
      };
      expect((await token(strict, form)).status).toBe(200);
      const replay = await token(strict, form);
      expect(replay.status).toBe(401);
      expect(replay.body.error).toBe("invalid_client");
      expect(aadstsOf(replay.body)).toBe(700027);
    } finally {
      await strict.close();
    }
  });

  it.each<[string, () => Promise<string>, number]>([
    [
      "a certificate that is not registered",
      () => assertion({ key: stranger.keyPem, header: { "x5t#S256": thumbprints(stranger.certPem).s256 } }),
      700027,
    ],
    [
      "a registered thumbprint but another key's signature",
      () => assertion({ key: stranger.keyPem }),
      700027,
    ],
    [
      "an audience other than the token endpoint",
      () => assertion({ claims: { aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token" } }),
      700023,
    ],
    [
      "an expired assertion",
      () =>
        assertion({
          claims: { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 },
        }),
      700024,
    ],
    ["an assertion without exp", () => assertion({ claims: { exp: undefined } }), 700024],
    ["an issuer that is not the client", () => assertion({ claims: { iss: randomUUID() } }), 700021],
    ["an assertion without jti", () => assertion({ claims: { jti: undefined } }), 700027],
    ["an unsupported algorithm (RS384)", () => assertion({ alg: "RS384" }), 5002738],
    ["a malformed assertion", async () => "not.a.jwt", 50027],
  ])("refuses %s with 401 invalid_client", async (_name, make, code) => {
    const { status, body } = await clientCredentials(await make());
    expect(status).toBe(401);
    expect(body.error).toBe("invalid_client");
    expect(aadstsOf(body)).toBe(code);
  });
});
