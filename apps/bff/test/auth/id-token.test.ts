import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, type JWK, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIdTokenVerifier, IdTokenError } from "../../src/auth/id-token.js";
import { externalIdIssuers } from "../../src/auth/tenant-policy.js";

const ISSUER = "https://login.example/tid-1/v2.0";
const expected = { issuer: ISSUER, clientId: "client-1", tenantId: "tid-1", nonce: "n-1" };
let privateKey: KeyObject;
let publicJwk: JWK;
let server: Server | undefined;

beforeAll(async () => {
  const pair = rsaKeyPair();
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
});
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

async function jwksUri(): Promise<string> {
  server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
}

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: "client-1",
    tid: "tid-1",
    nonce: "n-1",
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...overrides,
  };
}

function sign(payload: Record<string, unknown>) {
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey);
}

function unsigned(header: object, payload: object, signature = ""): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

describe("verifyIdToken", () => {
  it("accepts a well-formed RS256 ID token", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    await expect(verify(await sign(claims()), expected)).resolves.toMatchObject({ tid: "tid-1" });
  });

  it.each([
    ["a wrong issuer", { iss: "https://evil.example/v2.0" }],
    ["a wrong audience", { aud: "other-client" }],
    ["several audiences without azp", { aud: ["client-1", "other"] }],
    ["another tenant", { tid: "tid-2" }],
    ["a wrong nonce", { nonce: "n-2" }],
    ["no nonce", { nonce: undefined }],
    ["an expiry beyond the skew", { exp: Math.floor(Date.now() / 1000) - 600 }],
    ["a not-before in the future", { nbf: Math.floor(Date.now() / 1000) + 600 }],
    ["an issue time in the future", { iat: Math.floor(Date.now() / 1000) + 600 }],
  ])("rejects %s", async (_name, overrides) => {
    const verify = createIdTokenVerifier(await jwksUri());
    await expect(verify(await sign(claims(overrides)), expected)).rejects.toBeInstanceOf(IdTokenError);
  });

  it("rejects alg none", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    await expect(verify(unsigned({ alg: "none" }, claims()), expected)).rejects.toBeInstanceOf(IdTokenError);
  });

  it("rejects HS256 signed with the public key as the secret (algorithm confusion)", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: "k1" }).sign(secret);
    await expect(verify(token, expected)).rejects.toThrow("signing algorithm that is not allowed");
  });

  it("rejects a signature from another key with the same kid", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    const other = rsaKeyPair();
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .sign(other.privateKey);
    await expect(verify(token, expected)).rejects.toThrow("signature is not valid");
  });

  it("accepts several audiences when azp names this app", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    const token = await sign(claims({ aud: ["client-1", "other"], azp: "client-1" }));
    await expect(verify(token, expected)).resolves.toBeDefined();
  });
});

describe("issuers of multi-tenant apps and External ID tenants", () => {
  const TENANT = "11111111-2222-4333-8444-555555555555";
  const OTHER = "99999999-2222-4333-8444-555555555555";

  it("fills the templated issuer with the token's own tid, and refuses an iss of another tenant", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    const templated = { ...expected, issuer: "https://login.example/{tenantid}/v2.0", tenantId: undefined };
    const good = await sign(claims({ iss: `https://login.example/${TENANT}/v2.0`, tid: TENANT }));
    await expect(verify(good, templated)).resolves.toBeDefined();
    const mixed = await sign(claims({ iss: `https://login.example/${OTHER}/v2.0`, tid: TENANT }));
    await expect(verify(mixed, templated)).rejects.toThrow('"iss" claim is not valid');
    const notGuid = await sign(claims({ iss: "https://login.example/evil/v2.0", tid: "evil" }));
    await expect(verify(notGuid, templated)).rejects.toThrow('"iss" claim is not valid');
  });

  it("accepts External ID's issuer forms for the configured tenant only", async () => {
    const verify = createIdTokenVerifier(await jwksUri());
    const ciam = {
      ...expected,
      issuer: `https://${TENANT}.ciamlogin.com/${TENANT}/v2.0`,
      alsoIssuers: externalIdIssuers("https://contoso.ciamlogin.com"),
      tenantId: TENANT,
    };
    for (const iss of [
      `https://${TENANT}.ciamlogin.com/${TENANT}/v2.0`,
      `https://contoso.ciamlogin.com/${TENANT}/v2.0`,
    ]) {
      await expect(verify(await sign(claims({ iss, tid: TENANT })), ciam)).resolves.toBeDefined();
    }
    const otherTenant = await sign(
      claims({ iss: `https://${OTHER}.ciamlogin.com/${OTHER}/v2.0`, tid: OTHER }),
    );
    await expect(verify(otherTenant, ciam)).rejects.toThrow("another tenant");
    const otherHost = await sign(claims({ iss: `https://evil.ciamlogin.com/${TENANT}/v2.0`, tid: TENANT }));
    await expect(verify(otherHost, ciam)).rejects.toThrow('"iss" claim is not valid');
    expect(externalIdIssuers("https://login.microsoftonline.com")).toEqual([]);
  });
});

/**
 * An RSA key pair not tied to its key-generation job: Node 20 can deadlock when GC finalizes the
 * job while one of its keys is being exported (see packages/entra-emulator/src/keys.ts).
 */
function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const pair = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey: createPrivateKey(pair.privateKey), publicKey: createPublicKey(pair.publicKey) };
}
