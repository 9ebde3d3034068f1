import { describe, expect, it } from "vitest";
import { redactUrl } from "../src/logging.js";
import { ADELE, api, buildTestApp, CookieJar, callback, startLogin } from "./helpers/test-app.js";

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

describe("logging", () => {
  it("keeps tokens, the auth code, the state, the client secret and cookies out of a full flow's logs", async () => {
    const { app, emulator, rawLogs, logs } = await buildTestApp({ logLevel: "trace" });
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 }); // forces a refresh on /api/me
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    const redirect = await emulator.signIn(authorize.toString(), ADELE);
    const code = String(redirect.searchParams.get("code"));
    const state = String(redirect.searchParams.get("state"));
    expect((await callback(app, jar, redirect)).statusCode).toBe(302);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" }).length).toBeGreaterThan(0);
    const cookieValues = [...jar.cookies.values()];
    expect(
      (await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie: jar.header() } }))
        .statusCode,
    ).toBe(200);

    const output = rawLogs();
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toMatch(JWT);
    expect(output).not.toContain(code);
    expect(output).not.toContain(state);
    expect(output).not.toContain(emulator.client.clientSecret);
    for (const value of cookieValues) expect(output).not.toContain(value);
    // The audit trail is there, with the user's oid and no token.
    const events = logs()
      .map((line) => line.event)
      .filter(Boolean);
    expect(events).toEqual(expect.arrayContaining(["signin.success", "signout"]));
  });

  it("logs a failed sign-in as an audit event with the AADSTS code", async () => {
    const { app, emulator, logs } = await buildTestApp();
    emulator.queueError("authorize", 50105);
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
    await callback(app, jar, redirect);
    expect(logs().find((line) => line.event === "signin.failure")).toMatchObject({ aadsts: 50105 });
  });

  it("takes a well-formed x-request-id from a trusted proxy and replaces a hostile one", async () => {
    const { app } = await buildTestApp({ env: { TRUST_PROXY: "1" } });
    const good = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "abc-123" } });
    expect(good.headers["x-request-id"]).toBe("abc-123");
    const bad = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": 'x"\n{"level":60}' },
    });
    expect(bad.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("redactUrl", () => {
  it.each([
    ["/getAToken?code=abc&state=def", "/getAToken?code=[redacted]&state=[redacted]"],
    ["/getAToken?session_state=s&x=1", "/getAToken?session_state=[redacted]&x=1"],
    ["/getAToken?%63ode=abc", "/getAToken?%63ode=[redacted]"],
    ["/login?returnTo=%2Fme", "/login?returnTo=%2Fme"],
    ["/api/me", "/api/me"],
  ])("turns %s into %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
