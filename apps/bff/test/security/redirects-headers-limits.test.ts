import { describe, expect, it } from "vitest";
import {
  ADELE,
  api,
  buildTestApp,
  CookieJar,
  callback,
  PUBLIC_URL,
  signIn,
  startLogin,
} from "../helpers/test-app.js";

const APP_ORIGIN = new URL(PUBLIC_URL).origin;

describe("security: open redirect through returnTo", () => {
  // [variant, where the browser must end up: "/" or the same path]
  const table: Array<[string, string]> = [
    ["//evil.example", "/"],
    ["///evil.example", "/"],
    ["/\\evil.example", "/"],
    ["\\/evil.example", "/"],
    ["https://evil.example/", "/"],
    ["http:evil.example", "/"],
    ["javascript:alert(document.cookie)", "/"],
    ["/%2f%2fevil.example", "/"],
    ["/%5c%5cevil.example", "/"],
    ["/%252f%252fevil.example", "/"],
    ["%2F%2Fevil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/%09/evil.example", "/"],
    [" //evil.example", "/"],
    ["/%0d%0aLocation:%20https://evil.example", "/"],
    ["evil.example", "/"],
    ["/@evil.example", "/@evil.example"],
    ["/.//evil.example", "/"],
    ["/login?returnTo=//evil.example", "/login?returnTo=//evil.example"],
    ["/profile?tab=photo#top", "/profile?tab=photo#top"],
  ];

  it(`sends the browser only to a same-origin path after sign-in, for ${table.length} returnTo variants`, async () => {
    expect(table.length).toBeGreaterThanOrEqual(15);
    const { app, emulator } = await buildTestApp();
    for (const [variant, expected] of table) {
      const jar = new CookieJar();
      const authorize = await startLogin(app, jar, variant);
      const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
      const location = String(res.headers.location);
      expect(`${JSON.stringify(variant)} → ${res.statusCode} ${location}`).toBe(
        `${JSON.stringify(variant)} → 302 ${expected}`,
      );
      expect(new URL(location, PUBLIC_URL).origin).toBe(APP_ORIGIN);
    }
  });

  it("keeps the Try again link of a failed sign-in on the app's own /login", async () => {
    const { app, emulator } = await buildTestApp();
    emulator.queueError("authorize", 65004, { error: "access_denied" });
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar, "//evil.example");
    const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
    expect(res.statusCode).toBe(400);
    for (const [, href] of res.body.matchAll(/href="([^"]+)"/g)) {
      expect(new URL(String(href).replaceAll("&amp;", "&"), PUBLIC_URL).origin).toBe(APP_ORIGIN);
      expect(href).not.toContain("evil.example");
    }
  });

  it("always names the configured post_logout_redirect_uri, whatever the request says", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await app.inject({
      method: "POST",
      url: "/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&returnTo=//evil.example",
      headers: {
        "x-csrf": "1",
        cookie: jar.header(),
        host: "evil.example",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "https",
      },
    });
    expect(res.statusCode).toBe(200);
    const logoutUrl = new URL(res.json().logoutUrl);
    expect(logoutUrl.origin).toBe(emulator.url);
    expect(logoutUrl.searchParams.getAll("post_logout_redirect_uri")).toEqual([`${PUBLIC_URL}/`]);
    expect(logoutUrl.searchParams.get("client_id")).toBe(emulator.client.clientId);
    expect(res.body).not.toContain("evil.example");
  });
});

describe("security: response headers", () => {
  const routes: Array<[string, string, Record<string, string>]> = [
    ["GET", "/api/me", { "x-csrf": "1" }],
    ["GET", "/api/session", { "x-csrf": "1" }],
    ["GET", "/api/nothing-here", { "x-csrf": "1" }],
    ["GET", "/login", {}],
    ["GET", "/getAToken?code=x&state=y", {}],
    ["POST", "/logout", { "x-csrf": "1" }],
    ["POST", "/logout", {}],
  ];

  it.each(routes)(
    "sends CSP frame-ancestors 'none', nosniff, no-referrer and Cache-Control: no-store on %s %s",
    async (method, url, headers) => {
      const { app } = await buildTestApp();
      const res = await app.inject({ method: method as "GET", url, headers });
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    },
  );

  it.each(routes)("adds HSTS in https mode on %s %s", async (method, url, headers) => {
    const { app } = await buildTestApp({
      env: { PUBLIC_URL: "https://app.contoso.test", TRUST_PROXY: "1" },
    });
    const res = await app.inject({
      method: method as "GET",
      url,
      headers: { ...headers, "x-forwarded-proto": "https" },
    });
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d{8,}/);
  });
});

describe("security: rate limits on sign-in, per client IP", () => {
  it.each(["/login", "/getAToken?code=x&state=y"])(
    "answers %s with a 429 page and Retry-After once a client exceeds the limit",
    async (url) => {
      const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await app.inject({ method: "GET", url })).statusCode);
      expect(statuses).not.toContain(429);
      const limited = await app.inject({ method: "GET", url });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers["content-type"]).toMatch(/^text\/html/);
      expect(limited.headers["retry-after"]).toMatch(/^\d+$/);
      expect(limited.body).toContain('role="alert"');
    },
  );

  it("counts each client IP apart behind a trusted proxy", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "2", TRUST_PROXY: "1" } });
    const from = (ip: string) =>
      app
        .inject({ method: "GET", url: "/login", headers: { "x-forwarded-for": ip } })
        .then((r) => r.statusCode);
    expect([await from("127.0.0.2"), await from("127.0.0.2"), await from("127.0.0.2")]).toEqual([
      302, 302, 429,
    ]);
    expect(await from("127.0.0.3")).toBe(302);
  });

  it("does not let a client dodge the limit with a forged X-Forwarded-For when no proxy is trusted", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "2" } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await app.inject({
        method: "GET",
        url: "/login",
        headers: { "x-forwarded-for": `127.0.1.${i}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([302, 302, 429, 429]);
  });

  it("keeps /api and health checks out of the sign-in limit", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1" } });
    await app.inject({ method: "GET", url: "/login" });
    expect((await app.inject({ method: "GET", url: "/login" })).statusCode).toBe(429);
    expect((await api(app, undefined, "/api/session")).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});
