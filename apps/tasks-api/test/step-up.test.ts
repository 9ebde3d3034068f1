import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "@entra-bff/entra-emulator";
import { exportJWK, importPKCS8, importSPKI, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTasksApi } from "../src/index.js";
import {
  ADELE,
  API_APP_ID,
  apiFor,
  challengeOf,
  msalTokens,
  READ_WRITE,
  startTenant,
} from "./helpers/tenant.js";

// TASKS_API_REQUIRE_ACRS: the API asks for a Conditional Access authentication context with a
// claims challenge, the way Entra-protected APIs do for step-up.
let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startTenant();
  [token = ""] = await msalTokens(emulator, ADELE, [[READ_WRITE]]);
});
afterAll(() => emulator.close());

describe("claims challenge", () => {
  it("a token without the acrs value: 401 insufficient_claims with the base64 claims to ask for", async () => {
    const api = await apiFor(emulator, { requireAcrs: "c1" });
    const response = await api.inject({
      method: "GET",
      url: "/v1/tasks",
      headers: { authorization: `Bearer ${token}` },
    });
    await api.close();
    expect(response.statusCode).toBe(401);
    const challenge = challengeOf(response.headers["www-authenticate"] as string);
    expect(challenge.error).toBe("insufficient_claims");
    expect(JSON.parse(Buffer.from(challenge.claims ?? "", "base64").toString())).toEqual({
      access_token: { acrs: { essential: true, value: "c1" } },
    });
    expect(response.json().code).toBe("insufficient_claims");
  });

  describe("a token that carries it", () => {
    // The emulator does not issue acrs yet: a local issuer signs tokens shaped like Entra's.
    const tenant = randomUUID();
    const pair = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    let server: Server;
    let jwksUri: string;
    beforeAll(async () => {
      const jwk = { ...(await exportJWK(await importSPKI(pair.publicKey, "RS256"))), kid: "k1", use: "sig" };
      server = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function sign(claims: Record<string, unknown>) {
      return new SignJWT({ scp: "Tasks.ReadWrite", oid: randomUUID(), tid: tenant, ver: "2.0", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" })
        .setAudience(API_APP_ID)
        .setIssuer(`https://login.microsoftonline.com/${tenant}/v2.0`)
        .setIssuedAt()
        .setNotBefore("0s")
        .setExpirationTime("1h")
        .sign(await importPKCS8(pair.privateKey, "RS256"));
    }

    it("is accepted; one with another value or none is challenged", async () => {
      const api = await buildTasksApi({
        clientId: API_APP_ID,
        tenantIds: [tenant],
        jwksUri,
        requireAcrs: "c1",
      });
      const status = async (claims: Record<string, unknown>) =>
        (
          await api.inject({
            method: "GET",
            url: "/v1/tasks",
            headers: { authorization: `Bearer ${await sign(claims)}` },
          })
        ).statusCode;
      expect(await status({ acrs: ["c1"] })).toBe(200);
      expect(await status({ acrs: ["c2"] })).toBe(401);
      expect(await status({ acrs: "c1" })).toBe(401);
      expect(await status({})).toBe(401);
      await api.close();
    });
  });
});
