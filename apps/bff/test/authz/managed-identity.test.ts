import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

/** The emulator's built-in user-assigned identity, trusted by its default client. */
const USER_ASSIGNED = "6e8a0c2e-4f6b-4d8f-8b2c-3d5e7f9a1b02";

describe("managed identity as a federated credential (ENTRA_CLIENT_CREDENTIAL=managed-identity)", () => {
  it("gets a token for api://AzureADTokenExchange from the managed identity endpoint and signs in with it", async () => {
    const t = await buildTestApp({
      idp: () => ({ credential: { kind: "managed-identity", clientId: USER_ASSIGNED } }),
    });
    // msal-node picks its managed identity source from these (never 169.254.169.254 here).
    Object.assign(process.env, t.emulator.managedIdentityEnv);
    t.emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const jar = await signIn(t.app, t.emulator, ADELE);
    expect((await api(t.app, jar, "/api/me")).statusCode).toBe(200);
    const identityCalls = t.emulator.requests({ path: "/msi/token" });
    expect(identityCalls.length).toBeGreaterThanOrEqual(1);
    expect(identityCalls.every((entry) => entry.status === 200)).toBe(true);
    expect(t.emulator.requests({ path: "/token", grantType: "refresh_token" }).map((e) => e.status)).toEqual([
      200,
    ]);
  });
});
