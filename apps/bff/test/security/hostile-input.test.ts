import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { ADELE, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";
import { rawRequest } from "./helpers.js";

/** An error as JSON, the sign-in routes' HTML error page, or garbage the BFF may simply ignore. */
type Kind = "json" | "page" | "harmless";

/** What is wrong with an error answer: not a 4xx, not the BFF's own shape, missing security headers. */
function problems(res: LightMyRequestResponse, kind: Kind): string[] {
  const found: string[] = [];
  const lowest = kind === "harmless" ? 200 : 400;
  if (res.statusCode < lowest || res.statusCode >= 500) found.push(`status ${res.statusCode}`);
  const type = String(res.headers["content-type"]);
  if (kind === "harmless") {
    // Ignored garbage: any answer but a server error.
  } else if (kind === "page") {
    if (!type.startsWith("text/html") || !res.body.includes('role="alert"')) found.push("not the error page");
  } else {
    let keys = "unparsable";
    try {
      keys = Object.keys(res.json() as object)
        .sort()
        .join(",");
    } catch {}
    if (!type.startsWith("application/json") || keys !== "code,message")
      found.push(`body ${res.body.slice(0, 120)}`);
    // Fastify's own shape echoes the URL or the content type back.
    if (/statusCode|FST_|%ff|Route |x-evil/i.test(res.body)) found.push("echoes the request");
    // An error is never cacheable, even one answered before any route's hooks ran.
    if (res.headers["cache-control"] !== "no-store") found.push("cacheable");
  }
  if (!String(res.headers["content-security-policy"]).includes("frame-ancestors 'none'"))
    found.push("no CSP");
  if (res.headers["x-content-type-options"] !== "nosniff") found.push("no nosniff");
  if (res.headers["referrer-policy"] !== "no-referrer") found.push("no referrer-policy");
  return found;
}

type Row = [
  label: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  kind: Kind,
];

const CSRF = { "x-csrf": "1" };
const JSON_TYPE = { ...CSRF, "content-type": "application/json" };
const table: Row[] = [
  ["%ff in a path", "GET", "/%ff", {}, undefined, "json"],
  ["%ff in an /api path", "GET", "/api/%ff", CSRF, undefined, "json"],
  ["%ff%fe under /login", "GET", "/login/%ff%fe", {}, undefined, "json"],
  ["broken escape in a path", "GET", "/%E0%A4%A", {}, undefined, "json"],
  ["unknown route", "GET", "/no/such/route", {}, undefined, "json"],
  ["unknown /api route", "GET", "/api/nothing-here", CSRF, undefined, "json"],
  ["DELETE on /logout", "DELETE", "/logout", CSRF, undefined, "json"],
  ["two returnTo", "GET", "/login?returnTo=/a&returnTo=/b", {}, undefined, "page"],
  ["two prompt", "GET", "/login?prompt=login&prompt=select_account", {}, undefined, "page"],
  [
    "returnTo and prompt twice",
    "GET",
    "/login?returnTo=/a&returnTo=//evil&prompt=x&prompt=y",
    {},
    undefined,
    "page",
  ],
  ["two code", "GET", `/getAToken?code=a&code=b&state=${"A".repeat(43)}`, {}, undefined, "page"],
  ["two state", "GET", `/getAToken?code=a&state=${"A".repeat(43)}&state=b`, {}, undefined, "page"],
  ["two error", "GET", "/getAToken?error=a&error=b", {}, undefined, "page"],
  [
    "two error_description",
    "GET",
    "/getAToken?error=x&error_description=a&error_description=b",
    {},
    undefined,
    "page",
  ],
  ["two iss", "GET", `/getAToken?code=a&state=${"A".repeat(43)}&iss=a&iss=b`, {}, undefined, "page"],
  [
    "invalid escapes in the callback",
    "GET",
    "/getAToken?code=%ED%A0%80&state=%ff&error=%",
    {},
    undefined,
    "page",
  ],
  ["a 10 kB state", "GET", `/getAToken?code=a&state=${"s".repeat(10_000)}`, {}, undefined, "page"],
  ["invalid escapes in /api query", "GET", "/api/session?x=%ff&x=%", CSRF, undefined, "harmless"],
  [
    "garbage cookies",
    "GET",
    "/api/session",
    { ...CSRF, cookie: "bff.sid=%ff%fe; bff.login=%; bff.claims=%E0" },
    undefined,
    "harmless",
  ],
  [
    "huge binding cookie",
    "GET",
    "/login",
    { cookie: `bff.login=${"a".repeat(4000)}` },
    undefined,
    "harmless",
  ],
  ["bad JSON to /logout", "POST", "/logout", JSON_TYPE, "{bad", "json"],
  ["empty JSON to /logout", "POST", "/logout", JSON_TYPE, "", "json"],
  ["a big body to /logout", "POST", "/logout", JSON_TYPE, JSON.stringify({ a: "x".repeat(200_000) }), "json"],
  ["text/plain to /logout", "POST", "/logout", { ...CSRF, "content-type": "text/plain" }, "x", "json"],
  [
    "odd media type to /logout",
    "POST",
    "/logout",
    { ...CSRF, "content-type": "application/x-evil" },
    "x",
    "json",
  ],
  [
    "2 MB to an /api route",
    "POST",
    "/api/session",
    JSON_TYPE,
    JSON.stringify({ a: "x".repeat(2_000_000) }),
    "json",
  ],
  [
    "a big body to a GET route",
    "GET",
    "/api/session",
    JSON_TYPE,
    JSON.stringify({ a: "x".repeat(100_000) }),
    "harmless",
  ],
  ["POST to /login", "POST", "/login", CSRF, undefined, "json"],
  [
    "emoji everywhere in the callback",
    "GET",
    `/getAToken?code=%F0%9F%98%80&state=%F0%9F%98%80&iss=%F0%9F%98%80`,
    {},
    undefined,
    "page",
  ],
  [
    "emoji error with a lone surrogate",
    "GET",
    `/getAToken?error=%F0%9F%98%80&error_description=%ED%A0%80&state=${"A".repeat(43)}`,
    {},
    undefined,
    "page",
  ],
  ["a NUL in returnTo and prompt", "GET", "/login?returnTo=/%00&prompt=%00", {}, undefined, "harmless"],
  ["a key that does not decode", "GET", "/login?%ff=1&returnTo=%ff", {}, undefined, "harmless"],
  ["two CSRF headers", "GET", "/api/me", { "x-csrf": "1, 1" }, undefined, "json"],
  [
    "a hostile request id",
    "GET",
    "/api/nothing",
    { ...CSRF, "x-request-id": '<script>"\n' },
    undefined,
    "json",
  ],
];

describe("security: hostile bytes and duplicated parameters are 4xx in the BFF's own shape", () => {
  it(`answers ${table.length} hostile requests with a 4xx, its own error shape and the security headers`, async () => {
    expect(table.length).toBeGreaterThanOrEqual(25);
    const { app, logs } = await buildTestApp();
    const failures: string[] = [];
    for (const [label, method, url, headers, body, kind] of table) {
      const res = await app.inject({
        method: method as "GET",
        url,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      const found = problems(res, kind);
      if (found.length > 0) failures.push(`${label}: ${found.join("; ")}`);
    }
    expect(failures).toEqual([]);
    // Nothing an attacker sends is a server-side failure worth a stack trace at error level.
    expect(logs().filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("answers unknown and traversing paths with JSON 404s when the SPA is served too", async () => {
    const dist = mkdtempSync(join(tmpdir(), "bff-dist-"));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(dist, "assets", "app.js"), "");
    const { app } = await buildTestApp({ env: { WEB_DIST_DIR: dist } });
    const failures: string[] = [];
    for (const url of [
      "/assets/..%2f..%2fetc%2fpasswd",
      "/assets/%00",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/api/nothing",
    ]) {
      for (const accept of ["*/*", "application/json"]) {
        const res = await app.inject({ method: "GET", url, headers: { accept, "x-csrf": "1" } });
        const found = problems(res, "json");
        if (found.length > 0) failures.push(`${url} (${accept}): ${found.join("; ")}`);
      }
    }
    // Browser navigations still get the SPA (client-side routes), never a file outside it.
    const page = await app.inject({
      method: "GET",
      url: "/%2e%2e/%2e%2e/etc/passwd",
      headers: { accept: "text/html" },
    });
    expect(page.body).toContain("<title>app</title>");
    expect(failures).toEqual([]);
  });

  it("redirects to a re-encoded path after sign-in when returnTo has non-Latin-1 characters", async () => {
    const { app, emulator, logs } = await buildTestApp();
    for (const [returnTo, expected] of [
      ["/%F0%9F%98%80", "/%F0%9F%98%80"],
      ["/😀?q=ü#é", "/%F0%9F%98%80?q=%C3%BC#%C3%A9"],
      ['/a b"<x>', "/a%20b%22%3Cx%3E"],
    ]) {
      const jar = new CookieJar();
      const authorize = await startLogin(app, jar, decodeURIComponent(String(returnTo)));
      const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
      expect(`${returnTo} → ${res.statusCode} ${res.headers.location}`).toBe(`${returnTo} → 302 ${expected}`);
    }
    expect(logs().filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("answers an unparsable request line and oversized headers with the BFF's JSON and headers", async () => {
    const { app } = await buildTestApp();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    for (const request of [
      "GET /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      // Node answers these three itself, bare, unless the BFF takes them over.
      "GET /api/session HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n",
      "GET /api/session HTTP/1.1\r\nConnection: close\r\n\r\n",
      "CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n",
    ]) {
      const { status, text } = await rawRequest(port, request);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      const [head = "", body = ""] = text.split("\r\n\r\n");
      expect(JSON.parse(body)).toEqual({ code: "bad_request", message: expect.any(String) });
      expect(head.toLowerCase()).toContain("x-content-type-options: nosniff");
      expect(head.toLowerCase()).toContain("frame-ancestors 'none'");
    }
  });
});
