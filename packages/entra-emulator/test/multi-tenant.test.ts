import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FABRIKAM } from "../src/default-directory.js";
import type { Emulator } from "../src/index.js";
import { startEmulator } from "../src/index.js";
import { startWithClient } from "./helpers/emulator.js";
import { ADELE, authorizeUrl, codeForm, pkce } from "./helpers/oauth.js";

const KIM = "KimA@fabrikam.onmicrosoft.com";
let single: Emulator;
let multi: Emulator;

beforeAll(async () => {
  single = await startEmulator();
  multi = await startWithClient({ signInAudience: "AzureADMultipleOrgs" });
});
afterAll(async () => {
  await single.close();
  await multi.close();
});

/** An authorize URL at another authority (tenant id, domain, or alias). */
function at(em: Emulator, tenant: string, params: Record<string, string | null> = {}) {
  return authorizeUrl(em, params).replace(`/${em.tenantId}/`, `/${tenant}/`);
}

async function tokenAt(em: Emulator, tenant: string, form: Record<string, string>) {
  const response = await fetch(`${em.url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("discovery for other tenants and the multi-tenant aliases", () => {
  it.each(["organizations", "common"])(
    "publishes /%s with the templated issuer and alias endpoints",
    async (alias) => {
      const doc = (await (
        await fetch(`${single.url}/${alias}/v2.0/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(`${single.url}/{tenantid}/v2.0`);
      expect(doc.token_endpoint).toBe(`${single.url}/${alias}/oauth2/v2.0/token`);
      expect(doc.authorization_endpoint).toBe(`${single.url}/${alias}/oauth2/v2.0/authorize`);
      expect(doc.tenant_region_scope).toBeNull();
      const keys = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: { issuer: string }[] };
      expect(keys.keys[0]?.issuer).toBe(`${single.url}/{tenantid}/v2.0`);
    },
  );

  it("publishes Fabrikam's own issuer, by id or domain", async () => {
    for (const name of [FABRIKAM.id, FABRIKAM.domain]) {
      const doc = (await (
        await fetch(`${single.url}/${name}/v2.0/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(`${single.url}/${FABRIKAM.id}/v2.0`);
    }
  });
});

describe("a single-tenant app (signInAudience AzureADMyOrg)", () => {
  it.each([
    ["/organizations", "organizations", {}, "50194"],
    ["/common", "common", {}, "50194"],
    ["Fabrikam's authority", FABRIKAM.id, {}, "700016"],
  ])("is refused at %s with Entra's error page", async (_name, tenant, params, code) => {
    const response = await fetch(at(single, tenant, params), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`AADSTS${code}`);
  });

  it("refuses another tenant's user (AADSTS50020) and lists only its own users", async () => {
    const hinted = await fetch(authorizeUrl(single, { login_hint: KIM }), { redirect: "manual" });
    expect(hinted.status).toBe(400);
    expect(await hinted.text()).toContain("AADSTS50020");
    const picker = await (await fetch(authorizeUrl(single))).text();
    expect(picker).toContain(ADELE);
    expect(picker).not.toContain(KIM);
  });

  it("refuses its client at another tenant's token endpoint (AADSTS700016)", async () => {
    const result = await tokenAt(single, FABRIKAM.id, {
      grant_type: "client_credentials",
      client_id: single.client.clientId,
      client_secret: single.client.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    expect((result.body.error_codes as number[])[0]).toBe(700016);
  });
});

describe("a multi-tenant app (signInAudience AzureADMultipleOrgs)", () => {
  it("lists every tenant's users at /organizations and issues Fabrikam's iss and tid to a Fabrikam user", async () => {
    const picker = await (await fetch(at(multi, "organizations"))).text();
    expect(picker).toContain(ADELE);
    expect(picker).toContain(KIM);
    const { verifier, challenge } = pkce();
    const callback = await multi.signIn(
      at(multi, "organizations", { code_challenge: challenge, code_challenge_method: "S256" }),
      KIM,
    );
    const code = callback.searchParams.get("code") ?? "";
    const result = await tokenAt(multi, "organizations", codeForm(multi, code, verifier));
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const id = decodeJwt(String(result.body.id_token));
    expect(id.iss).toBe(`${multi.url}/${FABRIKAM.id}/v2.0`);
    expect(id.tid).toBe(FABRIKAM.id);
    const access = decodeJwt(String(result.body.access_token));
    expect(access.iss).toBe(`https://sts.windows.net/${FABRIKAM.id}/`);
    const clientInfo = JSON.parse(Buffer.from(String(result.body.client_info), "base64url").toString());
    expect(clientInfo.utid).toBe(FABRIKAM.id);
    // Graph answers a Fabrikam user with Fabrikam's directory only.
    const me = (await (
      await fetch(`${multi.url}/v1.0/me`, {
        headers: { authorization: `Bearer ${result.body.access_token}` },
      })
    ).json()) as {
      userPrincipalName: string;
    };
    expect(me.userPrincipalName).toBe(KIM);
  });

  it("still issues Contoso's issuer to a Contoso user signing in through /common", async () => {
    const { verifier, challenge } = pkce();
    const callback = await multi.signIn(
      at(multi, "common", { code_challenge: challenge, code_challenge_method: "S256" }),
      ADELE,
    );
    const result = await tokenAt(
      multi,
      "common",
      codeForm(multi, callback.searchParams.get("code") ?? "", verifier),
    );
    expect(decodeJwt(String(result.body.id_token)).iss).toBe(multi.issuer);
  });

  it("keeps a tenant's authority to that tenant's users (Kim at Contoso's authority: AADSTS50020)", async () => {
    const response = await fetch(authorizeUrl(multi, { login_hint: KIM }), { redirect: "manual" });
    expect(await response.text()).toContain("AADSTS50020");
    const picker = await (await fetch(authorizeUrl(multi))).text();
    expect(picker).not.toContain(KIM);
  });
});
