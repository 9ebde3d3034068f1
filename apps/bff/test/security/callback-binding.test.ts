import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";

const MEGAN = "MeganB@M365x214355.onmicrosoft.com";
const SCAM = "AADSTS50105: Your account is locked. Call +1-555-0100 now to unlock it.";

/** The `state` of the sign-in this authorize URL starts. */
function stateOf(authorize: URL): string {
  return String(authorize.searchParams.get("state"));
}

function errorLink(state: string, description: string, extra = ""): string {
  const query = new URLSearchParams({ error: "access_denied", error_description: description, state });
  return `/getAToken?${query}${extra}`;
}

describe("security: IdP text on the sign-in error page only for this browser's own sign-in", () => {
  it("shows a generic page, without the link's text, for a crafted error link", async () => {
    const { app } = await buildTestApp();
    const victim = new CookieJar();
    await startLogin(app, victim); // a pending sign-in of the victim's own, with a different state
    for (const state of ["A".repeat(43), "not-a-state", ""]) {
      const res = await app.inject({
        method: "GET",
        url: errorLink(state, SCAM),
        headers: { cookie: victim.header() },
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('role="alert"');
      expect(res.body).not.toContain("555");
      expect(res.body).not.toContain("AADSTS50105");
      expect(res.body).not.toContain("access_denied");
    }
  });

  it("shows Entra's message, capped in length, when the state is this browser's pending sign-in", async () => {
    const { app } = await buildTestApp();
    const jar = new CookieJar();
    const state = stateOf(await startLogin(app, jar));
    const long = `AADSTS50105: The signed in user is not assigned to a role. ${"x".repeat(5000)}`;
    const res = await app.inject({
      method: "GET",
      url: errorLink(state, long),
      headers: { cookie: jar.header() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("AADSTS50105");
    expect(res.body).toContain("The signed in user is not assigned to a role.");
    expect(res.body).not.toContain("x".repeat(301));
  });
});

describe("security: the browser binding of a pending sign-in", () => {
  it("does not let a callback without this browser's binding consume the pending sign-in", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
    const stranger = new CookieJar();
    expect((await callback(app, stranger, redirect)).statusCode).toBe(400);
    const planted = new CookieJar();
    planted.cookies.set("bff.login", `${"C".repeat(43)}.${"D".repeat(43)}`);
    expect((await callback(app, planted, redirect)).statusCode).toBe(400);
    // The legitimate browser still completes its sign-in.
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(302);
    expect((await api(app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });
  });

  it("does not sign a victim into the attacker's account through a planted binding cookie", async () => {
    const { app, emulator } = await buildTestApp();
    const planted = "B".repeat(43);
    // The attacker starts a sign-in with a binding value of their choosing…
    const attacker = new CookieJar();
    attacker.cookies.set("bff.login", planted);
    const authorize = await startLogin(app, attacker);
    const redirect = await emulator.signIn(authorize.toString(), MEGAN);
    // …plants the same value in the victim's browser (http: no __Host- prefix) and sends the link.
    const victim = new CookieJar();
    victim.cookies.set("bff.login", planted);
    const res = await callback(app, victim, redirect);
    expect(res.statusCode).toBe(400);
    expect(victim.cookies.has("bff.sid")).toBe(false);
    expect(victim.cookies.has("bff.login")).toBe(false);
    // /login replaced the value it never issued with one of its own.
    expect(attacker.cookies.get("bff.login")).not.toBe(planted);
  });

  it("keeps one binding for two tabs, so both sign-ins complete", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const first = await startLogin(app, jar);
    const binding = jar.cookies.get("bff.login");
    const second = await startLogin(app, jar);
    expect(jar.cookies.get("bff.login")).toBe(binding);
    expect((await callback(app, jar, await emulator.signIn(second.toString(), ADELE))).statusCode).toBe(302);
    expect((await callback(app, jar, await emulator.signIn(first.toString(), ADELE))).statusCode).toBe(302);
  });
});

describe("security: the callback's iss parameter (RFC 9207)", () => {
  it("refuses a callback whose iss is not the tenant's issuer, without redeeming the code", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
    redirect.searchParams.set("iss", "https://evil.example/tenant/v2.0");
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("did not come from");
    expect(tokenCalls(emulator)).toBe(0);
    expect(jar.cookies.has("bff.sid")).toBe(false);
  });

  it("accepts a callback whose iss is the tenant's issuer", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
    redirect.searchParams.set("iss", emulator.issuer);
    expect((await callback(app, jar, redirect)).statusCode).toBe(302);
    expect(tokenCalls(emulator)).toBe(1);
  });
});

/** Calls to the emulator's token endpoint (code redemption). */
function tokenCalls(emulator: { requests(): Array<{ path: string }> }): number {
  return emulator.requests().filter((entry) => entry.path.endsWith("/oauth2/v2.0/token")).length;
}
