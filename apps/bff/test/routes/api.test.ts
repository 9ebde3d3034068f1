import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

describe("the /api CSRF rule", () => {
  it.each(["/api/session", "/api/me", "/api/me/photo"])(
    "answers 403 csrf_rejected on %s without X-CSRF",
    async (url) => {
      const { app, emulator } = await buildTestApp();
      const jar = await signIn(app, emulator, ADELE);
      const res = await app.inject({ method: "GET", url, headers: { cookie: jar.header() } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: "csrf_rejected", message: "Missing or invalid X-CSRF header." });
    },
  );

  it.each([
    ["a wrong X-CSRF value", { "x-csrf": "true" }],
    ["Sec-Fetch-Site: cross-site", { "x-csrf": "1", "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "x-csrf": "1", "sec-fetch-site": "same-site" }],
    ["a foreign Origin", { "x-csrf": "1", origin: "https://evil.example" }],
  ])("rejects /api/me with %s", async (_name, headers) => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await app.inject({
      method: "GET",
      url: "/api/me",
      headers: { cookie: jar.header(), ...headers },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("csrf_rejected");
  });

  it("never answers an /api call with a redirect or a CORS header", async () => {
    const { app } = await buildTestApp();
    const res = await api(app, undefined, "/api/me", { origin: "http://localhost:5000" });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: "unauthenticated", message: "Sign in first." });
    expect(res.headers.location).toBeUndefined();
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("no-store");
  });
});

describe("POST /logout", () => {
  it.each([
    ["without X-CSRF", {}],
    ["from a cross-site page", { "x-csrf": "1", "sec-fetch-site": "cross-site" }],
    ["with a foreign Origin", { "x-csrf": "1", origin: "https://evil.example" }],
  ])("answers 403 and keeps the session %s", async (_name, headers) => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await app.inject({
      method: "POST",
      url: "/logout",
      headers: { cookie: jar.header(), ...headers },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("csrf_rejected");
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it("answers 200 with the end-session URL even without a session", async () => {
    const { app, emulator } = await buildTestApp();
    const res = await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1" } });
    expect(res.statusCode).toBe(200);
    expect(res.json().logoutUrl).toMatch(new RegExp(`^${emulator.url}/`));
  });

  it("destroys the session's token cache on the server", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    expect(await store.count("tc:")).toBe(1);
    await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie: jar.header() } });
    expect(await store.count("tc:")).toBe(0);
    expect(await store.count("at:")).toBe(0);
    expect(await store.count("sess:")).toBe(0);
  });
});

describe("GET /api/me with Graph failures", () => {
  it("passes 429 through with Retry-After", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 429, retryAfter: 7 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.json()).toMatchObject({ code: "rate_limited", retryAfter: 7 });
  });

  it("answers 503 upstream_unavailable when Graph stays unavailable after one retry", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 503, count: 2 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("upstream_unavailable");
    expect(res.body).not.toContain("serviceNotAvailable"); // Graph's body never passes through
  });

  it("retries a single 503 once and succeeds", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 503, count: 1 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(200);
    expect(res.json().displayName).toBe("Adele Vance");
  });

  it("answers 502 upstream_error on a Graph 500 twice", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 500, count: 2 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("upstream_error");
  });

  it("answers 504 upstream_timeout when Graph is too slow, after one retry", async () => {
    const { app, emulator } = await buildTestApp({ env: { GRAPH_TIMEOUT_MS: "150" } });
    const jar = await signIn(app, emulator, ADELE);
    // Far beyond the timeout, so event-loop lag on a loaded machine cannot let a reply win the race.
    emulator.graphFault({ delayMs: 4000, count: 3 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(504);
    expect(res.json().code).toBe("upstream_timeout");
  });
});

describe("tokens", () => {
  it("redeems the refresh token once for 20 concurrent calls of one session (single-flight)", async () => {
    const { app, emulator } = await buildTestApp();
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 }); // always inside the 5-minute renewal window
    const jar = await signIn(app, emulator, ADELE);
    const before = emulator.requests({ grantType: "refresh_token" }).length;
    const results = await Promise.all(Array.from({ length: 20 }, () => api(app, jar, "/api/me")));
    for (const res of results) expect(res.statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" }).length - before).toBe(1);
  });

  it("serves later calls from the server-side cache while the token is fresh", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    for (let i = 0; i < 5; i++) expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" })).toHaveLength(0);
  });

  it("ends the session with 401 reauth_required when the refresh token is revoked", async () => {
    const { app, emulator, store } = await buildTestApp();
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const jar = await signIn(app, emulator, ADELE);
    emulator.revokeRefreshTokens(ADELE);
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("reauth_required");
    expect(res.headers.location).toBeUndefined();
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    expect(await store.count("tc:")).toBe(0);
  });
});
