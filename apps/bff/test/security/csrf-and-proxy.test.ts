import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";
import { graphCalls, rawRequest } from "./helpers.js";

describe("security: CSRF on every route that needs it", () => {
  it("finds every /api route and every state-changing route in the route table", async () => {
    const { routes } = await buildTestApp();
    expect(routes).toEqual(
      expect.arrayContaining(["GET /api/session", "GET /api/me", "GET /api/me/photo", "POST /logout"]),
    );
  });

  it("answers 403 csrf_rejected JSON without X-CSRF on every /api route and every non-GET route, with a valid session", async () => {
    const { app, emulator, routes } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const guarded = routes
      .map((route) => route.split(" ") as [string, string])
      .filter(([method, path]) => path.startsWith("/api/") || !["GET", "HEAD"].includes(method));
    expect(guarded.length).toBeGreaterThanOrEqual(4);
    for (const [method, url] of guarded) {
      const res = await app.inject({ method: method as "GET", url, headers: { cookie: jar.header() } });
      expect(`${method} ${url} ${res.statusCode}`).toBe(`${method} ${url} 403`);
      if (method !== "HEAD") expect(res.json().code).toBe("csrf_rejected");
    }
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it.each([
    ["application/x-www-form-urlencoded", "a=1"],
    [
      "multipart/form-data; boundary=x",
      "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
    ],
    ["text/plain", "a=1"],
  ])("refuses POST /logout from a cross-site form (%s) and keeps the session", async (contentType, body) => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await app.inject({
      method: "POST",
      url: "/logout",
      payload: body,
      headers: {
        cookie: jar.header(),
        "content-type": contentType,
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "navigate",
      },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it.each(["/api/me", "/api/session", "/logout", "/login"])(
    "grants no CORS to a foreign origin on %s (preflight and simple request)",
    async (url) => {
      const { app } = await buildTestApp();
      const preflight = await app.inject({
        method: "OPTIONS",
        url,
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "x-csrf",
        },
      });
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
      expect(preflight.headers["access-control-allow-headers"]).toBeUndefined();
      expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
      const simple = await app.inject({ method: "GET", url, headers: { origin: "https://evil.example" } });
      expect(simple.headers["access-control-allow-origin"]).toBeUndefined();
    },
  );
});

describe("security: the Graph proxy reaches only the paths the BFF defines", () => {
  it.each([
    "/api/me/..%2f..%2fusers",
    "/api/me/..%2F..%2Fusers",
    "/api/me%2f..%2f..%2fusers",
    "/api/me/photo/..%2f..%2f..%2fusers",
    "/api/me/photo/%24value",
    "/api/users",
    "/api/v1.0/users",
    "/api/me/messages",
    "/api/me;/users",
    "/api/me%00/users",
    "/api/me%0d%0aX-Injected:%201",
    "/api//me/../users",
    "/api/groups?$select=id",
  ])("refuses %s with JSON and no request to Graph", async (url) => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const before = graphCalls(emulator).length;
    const res = await api(app, jar, url);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json().code).toEqual(expect.any(String));
    expect(graphCalls(emulator).length).toBe(before);
  });

  it.each(["/api/me/%2e%2e/%2e%2e/users", "/api/me/../../users"])(
    "resolves the dot segments of %s to a path outside /api that never reaches Graph",
    async (url) => {
      const { app, emulator } = await buildTestApp();
      const jar = await signIn(app, emulator, ADELE);
      const res = await api(app, jar, url);
      expect(res.statusCode).toBe(404);
      expect(graphCalls(emulator)).toEqual([]);
    },
  );

  it("sends Graph its own fixed query, whatever query the browser adds", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await api(app, jar, "/api/me?$select=passwordProfile&$expand=manager&api-version=beta");
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty("passwordProfile");
    expect(res.json()).not.toHaveProperty("manager");
    expect(graphCalls(emulator)).toEqual(["GET /v1.0/me"]);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"] as const)(
    "refuses %s on /api/me and /api/me/photo without reaching Graph",
    async (method) => {
      const { app, emulator } = await buildTestApp();
      const jar = await signIn(app, emulator, ADELE);
      for (const url of ["/api/me", "/api/me/photo"]) {
        const res = await app.inject({
          method,
          url,
          payload: { displayName: "Mallory" },
          headers: { "x-csrf": "1", cookie: jar.header() },
        });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.json().code).toEqual(expect.any(String));
      }
      expect(graphCalls(emulator)).toEqual([]);
    },
  );

  it("refuses a 2 MB body at the body limit without reaching Graph", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const res = await app.inject({
      method: "POST",
      url: "/logout",
      payload: JSON.stringify({ junk: "x".repeat(2 * 1024 * 1024) }),
      headers: { "x-csrf": "1", cookie: jar.header(), "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(413);
    expect(graphCalls(emulator)).toEqual([]);
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it("refuses CRLF header injection and huge headers at the HTTP parser, without reaching Graph", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    const head = `GET /api/me HTTP/1.1\r\nHost: localhost\r\nCookie: ${jar.header()}\r\n`;
    const attacks = [
      `${head}X-CSRF: 1\rAuthorization: Bearer forged\r\nConnection: close\r\n\r\n`,
      `${head}X-CSRF: 1\nAuthorization: Bearer forged\r\nConnection: close\r\n\r\n`,
      `${head}X-CSRF: 1\r\nX-Big: ${"a".repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`,
      `${head}X-CSRF: 1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    ];
    for (const attack of attacks) {
      const res = await rawRequest(port, attack);
      expect([400, 431]).toContain(res.status);
    }
    expect(graphCalls(emulator)).toEqual([]);
    // Headers the browser sends are never forwarded: Graph sees only the BFF's bearer token.
    const ok = await rawRequest(
      port,
      `${head}X-CSRF: 1\r\nAuthorization: Bearer forged\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(ok.status).toBe(200);
    expect(graphCalls(emulator)).toEqual(["GET /v1.0/me"]);
  });
});
