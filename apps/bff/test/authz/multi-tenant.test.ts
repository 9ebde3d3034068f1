import type { HostileIdTokenKind } from "@entra-bff/entra-emulator";
import { describe, expect, it } from "vitest";
import type { AllowedTenants } from "../../src/config-entra.js";
import { ADELE, api, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";
import { FABRIKAM_ID, KIM, withClient } from "./helpers.js";

/** A multi-tenant app at /organizations with the given allowlist. */
async function multiTenantApp(allowedTenants: AllowedTenants) {
  return buildTestApp({
    emulatorConfig: withClient({ signInAudience: "AzureADMultipleOrgs" }),
    idp: () => ({ tenantId: "organizations", allowedTenants }),
  });
}

async function signInAs(t: Awaited<ReturnType<typeof multiTenantApp>>, username: string) {
  const jar = new CookieJar();
  const redirect = await t.emulator.signIn((await startLogin(t.app, jar)).toString(), username);
  return { jar, res: await callback(t.app, jar, redirect) };
}

describe("multi-tenant sign-in (ENTRA_TENANT_ID=organizations + ENTRA_ALLOWED_TENANTS)", () => {
  it("refuses a Fabrikam user when Fabrikam is not allowed, with a page naming the tenant id", async () => {
    const t = await multiTenantApp([t0()]);
    const { jar, res } = await signInAs(t, KIM);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Your organisation is not allowed");
    expect(res.body).toContain(FABRIKAM_ID);
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(false);
    expect(t.logs().find((line) => line.event === "signin.failure")).toMatchObject({
      kind: "tenant_not_allowed",
      tid: FABRIKAM_ID,
    });
    // The home tenant's users still get in.
    const adele = await signInAs(t, ADELE);
    expect(adele.res.statusCode).toBe(302);
  });

  it("accepts a Fabrikam user when Fabrikam is listed, with Fabrikam's tid in the session", async () => {
    const t = await multiTenantApp([FABRIKAM_ID]);
    t.emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const { jar, res } = await signInAs(t, KIM);
    expect(res.statusCode).toBe(302);
    const session = (await api(t.app, jar, "/api/session")).json();
    expect(session).toMatchObject({ authenticated: true, user: { tid: FABRIKAM_ID } });
    // Refresh at /organizations verifies Fabrikam's ID token against the templated issuer too.
    expect((await api(t.app, jar, "/api/me")).statusCode).toBe(200);
    expect(t.emulator.requests({ path: "/token", grantType: "refresh_token" })).toHaveLength(1);
  });

  it("accepts every tenant with an explicit *", async () => {
    const t = await multiTenantApp("*");
    expect((await signInAs(t, KIM)).res.statusCode).toBe(302);
  });

  it.each<HostileIdTokenKind>(["wrong-iss", "wrong-tid", "wrong-signature"])(
    "still refuses an ID token with %s (templated issuer filled with the token's own tid)",
    async (kind) => {
      const t = await multiTenantApp("*");
      t.emulator.issueHostileIdToken(kind);
      const { jar, res } = await signInAs(t, KIM);
      expect(res.statusCode).toBe(502);
      expect(res.body).toContain("We could not verify your sign-in");
      expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(false);
    },
  );
});

/** The emulator's home (Contoso) tenant. */
function t0(): string {
  return "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";
}
