import { HOSTILE_ID_TOKEN_KINDS } from "@entra-bff/entra-emulator";
import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { ADELE, api, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";
import { buildAppOnEmulator, JWT_SHAPE, OTHER_CLIENT, tenantWithTwoClients } from "./helpers.js";

/** Every refused callback: an HTML page with a way back, no cookie, nothing stored, no token shown. */
async function expectRefused(res: LightMyRequestResponse, jar: CookieJar, store: KeyValueStore) {
  expect(res.headers["content-type"]).toMatch(/^text\/html/);
  expect(res.body).toContain('role="alert"');
  expect(res.body).toContain('href="/login');
  expect(res.body).not.toMatch(JWT_SHAPE);
  expect(jar.cookies.has("bff.sid")).toBe(false);
  expect(await store.count("sess:")).toBe(0);
  expect(await store.count("tc:")).toBe(0);
  expect(await store.count("at:")).toBe(0);
}

describe("security: ID tokens the IdP can be made to issue (OIDC Core 3.1.3.7)", () => {
  it.each(HOSTILE_ID_TOKEN_KINDS)(
    "refuses an ID token that is %s with the 502 verification page and creates no session",
    async (kind) => {
      const { app, emulator, store } = await buildTestApp();
      const jar = new CookieJar();
      const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
      emulator.issueHostileIdToken(kind);
      const res = await callback(app, jar, redirect);
      expect(res.statusCode).toBe(502);
      expect(res.body).toContain("We could not verify your sign-in");
      await expectRefused(res, jar, store);
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    },
  );
});

describe("security: authorization codes", () => {
  it("refuses a replayed code injected into another browser's sign-in (AADSTS54005)", async () => {
    const { app, emulator, store } = await buildTestApp();
    const victim = new CookieJar();
    const victimRedirect = await emulator.signIn((await startLogin(app, victim)).toString(), ADELE);
    expect((await callback(app, victim, victimRedirect)).statusCode).toBe(302);

    const attacker = new CookieJar();
    const attackerState = (await startLogin(app, attacker)).searchParams.get("state");
    const code = String(victimRedirect.searchParams.get("code"));
    const res = await app.inject({
      method: "GET",
      url: `/getAToken?code=${encodeURIComponent(code)}&state=${attackerState}`,
      headers: { cookie: attacker.header() },
    });
    attacker.update(res);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("AADSTS54005");
    expect(attacker.cookies.has("bff.sid")).toBe(false);
    expect(await store.count("sess:")).toBe(1); // only the victim's
  });

  it("refuses a stolen, unredeemed code injected with the attacker's state: PKCE binds the code to its verifier", async () => {
    const { app, emulator, store } = await buildTestApp();
    const victimRedirect = await emulator.signIn((await startLogin(app, new CookieJar())).toString(), ADELE);
    const attacker = new CookieJar();
    const attackerState = (await startLogin(app, attacker)).searchParams.get("state");
    const res = await app.inject({
      method: "GET",
      url: `/getAToken?code=${encodeURIComponent(String(victimRedirect.searchParams.get("code")))}&state=${attackerState}`,
      headers: { cookie: attacker.header() },
    });
    attacker.update(res);
    expect(res.statusCode).toBe(400);
    await expectRefused(res, attacker, store);
  });

  it("refuses a code issued to another client of the tenant (AADSTS70000)", async () => {
    const { app, emulator, store } = await buildAppOnEmulator(tenantWithTwoClients());
    const jar = new CookieJar();
    const ours = await startLogin(app, jar);
    // The same authorize request, but for the other app registration.
    const theirs = new URL(ours);
    theirs.searchParams.set("client_id", OTHER_CLIENT.clientId);
    const redirect = await emulator.signIn(theirs.toString(), ADELE);
    expect(redirect.searchParams.get("code")).toBeTruthy();
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("AADSTS70000");
    await expectRefused(res, jar, store);
  });

  it("refuses a code issued for another redirect URI (AADSTS50011)", async () => {
    // The emulator registers both http://localhost:5000/getAToken and this app's :5001 one.
    const { app, emulator, store } = await buildTestApp({ env: { PUBLIC_URL: "http://localhost:5001" } });
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://localhost:5001/getAToken");
    authorize.searchParams.set("redirect_uri", "http://localhost:5000/getAToken");
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("AADSTS50011");
    await expectRefused(res, jar, store);
  });
});
