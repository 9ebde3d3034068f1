import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

const tokenPath = () => join(mkdtempSync(join(tmpdir(), "bff-wi-")), "azure-identity-token");

/** A client_credentials request with `assertion` alone, straight to the emulator. */
async function tokenStatus(
  emulator: { url: string; tenantId: string; client: { clientId: string } },
  assertion: string,
) {
  const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: emulator.client.clientId,
      scope: "https://graph.microsoft.com/.default",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    }),
  });
  return { status: response.status, body: await response.text() };
}

describe("workload identity: ENTRA_CLIENT_ASSERTION_FILE", () => {
  it("signs in with the file's token and sends the rotated token at refresh", async () => {
    const path = tokenPath();
    const t = await buildTestApp({ idp: () => ({ credential: { kind: "assertion-file", path } }) });
    // Short access tokens (every API call refreshes); ID tokens that outlive the clock games below.
    t.emulator.setTokenLifetimes({ accessTokenSeconds: 120, idTokenSeconds: 86_400 });
    // The first token is minted an hour ago: it is valid during the sign-in, expired by the refresh.
    t.emulator.advanceClock(-3600);
    const first = await t.emulator.mintWorkloadAssertion({ lifetimeSeconds: 600 });
    writeFileSync(path, `${first}\n`);
    const jar = await signIn(t.app, t.emulator, ADELE);
    t.emulator.advanceClock(3600);
    expect((await tokenStatus(t.emulator, first)).body).toContain("AADSTS700024");

    // The platform rotates the file between sign-in and refresh.
    const second = await t.emulator.mintWorkloadAssertion();
    writeFileSync(path, second);
    const me = await api(t.app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    const refreshes = t.emulator.requests({ path: "/token", grantType: "refresh_token" });
    expect(refreshes.map((entry) => entry.status)).toEqual([200]);
    expect(t.rawLogs()).not.toContain(second);
  });

  it("a token file whose subject no federated credential trusts: 502 naming AADSTS700213, the session kept", async () => {
    const path = tokenPath();
    const t = await buildTestApp({ idp: () => ({ credential: { kind: "assertion-file", path } }) });
    t.emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    writeFileSync(path, await t.emulator.mintWorkloadAssertion());
    const jar = await signIn(t.app, t.emulator, ADELE);
    writeFileSync(
      path,
      await t.emulator.mintWorkloadAssertion({ subject: "system:serviceaccount:default:other" }),
    );
    const me = await api(t.app, jar, "/api/me");
    expect(me.statusCode).toBe(502);
    expect(me.json()).toMatchObject({
      code: "upstream_error",
      message: expect.stringContaining("AADSTS700213"),
    });
    expect(t.logs().find((line) => line.event === "credential.rejected")).toMatchObject({ aadsts: 700213 });
    // The user's session is not at fault: once the file is right again, it works.
    writeFileSync(path, await t.emulator.mintWorkloadAssertion());
    expect((await api(t.app, jar, "/api/me")).statusCode).toBe(200);
  });
});
