import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, callback, signIn, startLogin } from "../helpers/test-app.js";

const DIEGO = "DiegoS@M365x214355.onmicrosoft.com";

describe("the whole sign-in flow", () => {
  it("signs in, reads session, profile and photo, refreshes, signs out, and refuses the old cookie", async () => {
    const { app, emulator, config } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);

    const session = await api(app, jar, "/api/session");
    expect(session.statusCode).toBe(200);
    const body = session.json();
    expect(body).toMatchObject({
      authenticated: true,
      emulator: true,
      user: { username: ADELE, name: "Adele Vance", tid: emulator.tenantId },
    });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(config.sessionAbsoluteMs - 60_000);

    const me = await api(app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ displayName: "Adele Vance", userPrincipalName: ADELE });
    expect(Object.keys(me.json())).not.toContain("@odata.context");

    const photo = await api(app, jar, "/api/me/photo");
    expect(photo.statusCode).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/png");
    expect(photo.rawPayload.subarray(1, 4).toString()).toBe("PNG");

    // Forced refresh: the emulator's clock moves past the access token's expiry.
    emulator.advanceClock(3600);
    const before = emulator.requests({ grantType: "refresh_token" }).length;
    const refreshed = await api(app, jar, "/api/me");
    // The hot token is still "fresh" by the BFF's clock; Graph's 401 forces exactly one refresh.
    expect(refreshed.statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" }).length).toBe(before + 1);

    const oldCookie = jar.header();
    const logout = await app.inject({
      method: "POST",
      url: "/logout",
      headers: { "x-csrf": "1", cookie: oldCookie },
    });
    expect(logout.statusCode).toBe(200);
    const logoutUrl = new URL(logout.json().logoutUrl);
    expect(logoutUrl.origin).toBe(emulator.url);
    expect(logoutUrl.searchParams.get("post_logout_redirect_uri")).toBe("http://localhost:5000/");
    expect(logout.cookies.find((c) => c.name === "bff.sid")?.value).toBe("");

    const replayed = await api(app, undefined, "/api/me", { cookie: oldCookie });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().code).toBe("unauthenticated");
    const replayedSession = await api(app, undefined, "/api/session", { cookie: oldCookie });
    expect(replayedSession.json()).toEqual({ authenticated: false, emulator: true });
  });

  it("answers 404 not_found for the photo of a user who has none", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, DIEGO);
    const photo = await api(app, jar, "/api/me/photo");
    expect(photo.statusCode).toBe(404);
    expect(photo.json()).toEqual({ code: "not_found", message: "This user has no profile photo." });
  });

  it("redirects to the returnTo path after sign-in", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar, "/profile?tab=photo");
    const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/profile?tab=photo");
  });

  it("sends PKCE S256, state, nonce, the fixed redirect URI and the scopes to the authorize endpoint", async () => {
    const { app } = await buildTestApp();
    const authorize = await startLogin(app, new CookieJar());
    const q = authorize.searchParams;
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("redirect_uri")).toBe("http://localhost:5000/getAToken");
    expect(q.get("response_mode")).toBe("query");
    expect(q.get("scope")?.split(" ").sort()).toEqual(["User.Read", "offline_access", "openid", "profile"]);
  });

  it("never builds the redirect URI from the Host header", async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({
      method: "GET",
      url: "/login",
      headers: { host: "evil.example", "x-forwarded-host": "evil.example" },
    });
    expect(new URL(String(res.headers.location)).searchParams.get("redirect_uri")).toBe(
      "http://localhost:5000/getAToken",
    );
  });

  it("lets two tabs of one browser sign in at the same time", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const first = await startLogin(app, jar, "/first");
    const second = await startLogin(app, jar, "/second");
    const secondRes = await callback(app, jar, await emulator.signIn(second.toString(), ADELE));
    const firstRes = await callback(app, jar, await emulator.signIn(first.toString(), ADELE));
    expect(secondRes.statusCode).toBe(302);
    expect(secondRes.headers.location).toBe("/second");
    expect(firstRes.statusCode).toBe(302);
    expect(firstRes.headers.location).toBe("/first");
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it("issues a new session id at sign-in, so a planted session id never becomes signed in (fixation)", async () => {
    const { app, emulator } = await buildTestApp();
    const first = await signIn(app, emulator, ADELE);
    const planted = first.cookies.get("bff.sid");
    const again = await signIn(app, emulator, ADELE, first.clone());
    const fresh = again.cookies.get("bff.sid");
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(planted);
    const old = await api(app, undefined, "/api/session", { cookie: `bff.sid=${planted}` });
    expect(old.json().authenticated).toBe(false);
  });

  it("keeps the session cookie small, HttpOnly, SameSite=Lax, Path=/ and without Domain", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar);
    const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
    const setCookie = ([] as string[])
      .concat(res.headers["set-cookie"] ?? [])
      .find((c) => c.startsWith("bff.sid="));
    expect(setCookie).toBeDefined();
    const header = String(setCookie);
    expect(header.split(";")[0]?.length).toBeLessThan(200);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Domain=/i);
    expect(header).not.toMatch(/eyJ/);
  });
});
