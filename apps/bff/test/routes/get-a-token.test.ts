import { HOSTILE_ID_TOKEN_KINDS } from "@entra-bff/entra-emulator";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";

afterEach(() => {
  vi.useRealTimers();
});

function expectExpiredPage(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  expect(res.statusCode).toBe(400);
  expect(res.headers["content-type"]).toMatch(/^text\/html/);
  expect(res.body).toContain("Your sign-in expired or was started in another browser");
  expect(res.body).toContain('href="/login"');
  expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
}

describe("GET /getAToken", () => {
  it("answers the sign-in-expired page, not a 500, when state is missing (ms-identity-node #15)", async () => {
    const { app } = await buildTestApp();
    expectExpiredPage(await app.inject({ method: "GET", url: "/getAToken?code=abc" }));
  });

  it("answers the sign-in-expired page for an unknown state", async () => {
    const { app } = await buildTestApp();
    const state = "A".repeat(43);
    expectExpiredPage(await app.inject({ method: "GET", url: `/getAToken?code=abc&state=${state}` }));
  });

  it("refuses a replayed state: the second callback with the same code and state gets no session", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    expect((await callback(app, jar, redirect)).statusCode).toBe(302);

    const attacker = new CookieJar();
    attacker.cookies.set("bff.login", String(jar.cookies.get("bff.login")));
    const replay = await callback(app, attacker, redirect);
    expectExpiredPage(replay);
    expect(attacker.cookies.has("bff.sid")).toBe(false);
  });

  it("refuses a callback from another browser (no binding cookie)", async () => {
    const { app, emulator } = await buildTestApp();
    const authorize = await startLogin(app, new CookieJar());
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    const other = new CookieJar();
    const res = await callback(app, other, redirect);
    expectExpiredPage(res);
    expect(other.cookies.has("bff.sid")).toBe(false);
  });

  it("refuses a callback whose binding cookie belongs to another browser", async () => {
    const { app, emulator } = await buildTestApp();
    const authorize = await startLogin(app, new CookieJar());
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    const attacker = new CookieJar();
    await startLogin(app, attacker); // the attacker has a binding of their own
    expectExpiredPage(await callback(app, attacker, redirect));
  });

  it("refuses a state older than 10 minutes", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    expectExpiredPage(await callback(app, jar, redirect));
  });

  it("shows Entra's error with the AADSTS code explained and a Try again link", async () => {
    const { app, emulator } = await buildTestApp();
    emulator.queueError("authorize", 65004, { error: "access_denied" });
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar, "/profile");
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    expect(redirect.searchParams.get("error")).toBe("access_denied");
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("AADSTS65004");
    expect(res.body).toContain("The consent prompt was cancelled.");
    expect(res.body).toContain('href="/login?returnTo=%2Fprofile"');
    expect(res.body).toContain('<link rel="stylesheet" href="/auth-page.css">');
    expect(res.body).not.toContain("<script");
    expect(jar.cookies.has("bff.sid")).toBe(false);
  });

  it("escapes a hostile error_description instead of rendering it as HTML", async () => {
    const { app } = await buildTestApp();
    // Shown only for this browser's own pending sign-in, so the callback carries its state.
    const jar = new CookieJar();
    const state = (await startLogin(app, jar)).searchParams.get("state");
    const res = await app.inject({
      method: "GET",
      url: `/getAToken?state=${state}&error=x&error_description=${encodeURIComponent("<script>alert(1)</script><img src=x onerror=alert(1)>")}`,
      headers: { cookie: jar.header() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain("<script>alert");
    expect(res.body).not.toContain("<img");
    expect(res.body).toContain("&lt;script&gt;");
  });

  it("shows the explained AADSTS error when the code redemption fails", async () => {
    const { app, emulator } = await buildTestApp();
    emulator.queueError("token", 54005, { grantType: "authorization_code" });
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("AADSTS54005");
    expect(res.body).toContain("This sign-in code was already used.");
    expect(jar.cookies.has("bff.sid")).toBe(false);
  });

  describe.each(HOSTILE_ID_TOKEN_KINDS)("with a hostile ID token (%s)", (kind) => {
    it("creates no session and shows the verification page", async () => {
      const { app, emulator, store } = await buildTestApp();
      const jar = new CookieJar();
      const authorize = await startLogin(app, jar);
      const redirect = await emulator.signIn(authorize.toString(), ADELE);
      emulator.issueHostileIdToken(kind);
      const res = await callback(app, jar, redirect);
      // 502 from our verifier; the emulator may also refuse to mint some kinds (then a 400 page).
      expect([400, 502]).toContain(res.statusCode);
      expect(res.body).toContain('role="alert"');
      if (res.statusCode === 502) expect(res.body).toContain("We could not verify your sign-in");
      expect(jar.cookies.has("bff.sid")).toBe(false);
      expect(await store.count("sess:")).toBe(0);
      expect(await store.count("tc:")).toBe(0);
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    });
  });
});
