import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, signIn } from "../helpers/test-app.js";
import { rawRequest } from "./helpers.js";

function expectSignedOut(res: { statusCode: number; json(): { code?: string } }) {
  expect(res.statusCode).toBe(401);
  expect(res.json().code).toBe("unauthenticated");
}

describe("security: session cookies (ASVS V3)", () => {
  it("refuses a session cookie whose signature was tampered with", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const value = String(jar.cookies.get("bff.sid"));
    const [id, signature] = [value.slice(0, value.lastIndexOf(".")), value.slice(value.lastIndexOf(".") + 1)];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    for (const forged of [`${id}.${flipped}`, id, `${id}.`, `${id}x.${signature}`]) {
      expectSignedOut(await api(app, undefined, "/api/me", { cookie: `bff.sid=${forged}` }));
    }
    // The genuine cookie still works: the refusals were about the forgeries.
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
  });

  it("carries a signed id of at least 128 random bits, different for every sign-in", async () => {
    const { app, emulator } = await buildTestApp();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const value = decodeURIComponent(String((await signIn(app, emulator, ADELE)).cookies.get("bff.sid")));
      const id = value.slice(0, value.lastIndexOf("."));
      expect(id).toMatch(/^[A-Za-z0-9_-]{22,}$/); // 22 base64url characters = 132 bits
      ids.add(id);
    }
    expect(ids.size).toBe(20);
  });

  it.each([
    ["empty", "bff.sid="],
    ["not signed", "bff.sid=abc"],
    ["bad percent-encoding", "bff.sid=%E0%A4%A"],
    ["quotes", 'bff.sid="abc.def"'],
    ["many dots", "bff.sid=a.b.c.d.e"],
    ["non-ASCII", "bff.sid=\u00e9\u00e8.\u00e0"],
    ["4 KB of junk", `bff.sid=${"A".repeat(4096)}.${"B".repeat(43)}`],
    ["no value separator", "bff.sid"],
    ["semicolons only", ";;;;"],
    ["a pre-login cookie in place of the session", "bff.sid=bff.login"],
  ])("answers 401 JSON, never 5xx, to a malformed session cookie (%s)", async (_name, cookie) => {
    const { app } = await buildTestApp();
    expectSignedOut(await api(app, undefined, "/api/me", { cookie }));
    const session = await api(app, undefined, "/api/session", { cookie });
    expect(session.statusCode).toBe(200);
    expect(session.json().authenticated).toBe(false);
  });

  it("answers 401 JSON, never 5xx, to a flood of 300 cookies, and still finds a real session among them", async () => {
    const { app, emulator } = await buildTestApp();
    const junk = Array.from({ length: 300 }, (_, i) => `c${i}=${"x".repeat(20)}`).join("; ");
    expectSignedOut(await api(app, undefined, "/api/me", { cookie: junk }));
    const jar = await signIn(app, emulator, ADELE);
    expect((await api(app, undefined, "/api/me", { cookie: `${junk}; ${jar.header()}` })).statusCode).toBe(
      200,
    );
  });

  it("refuses an oversized Cookie header at the HTTP parser (431) before any session lookup", async () => {
    const { app, store } = await buildTestApp();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    const cookie = `bff.sid=${"A".repeat(64 * 1024)}`;
    const res = await rawRequest(
      port,
      `GET /api/me HTTP/1.1\r\nHost: localhost\r\nX-CSRF: 1\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(await store.count("sess:")).toBe(0);
  });

  it("uses the __Host-Http- prefix, Secure, HttpOnly, SameSite=Lax and no Domain for the session cookie in https mode", async () => {
    const { app, emulator } = await buildTestApp({
      env: { PUBLIC_URL: "https://app.contoso.test", TRUST_PROXY: "1" },
    });
    const https = { "x-forwarded-proto": "https" };
    const jar = new CookieJar();
    const login = await app.inject({ method: "GET", url: "/login", headers: https });
    jar.update(login);
    const redirect = await emulator.signIn(String(login.headers.location), ADELE);
    const res = await app.inject({
      method: "GET",
      url: `${redirect.pathname}${redirect.search}`,
      headers: { ...https, cookie: jar.header() },
    });
    expect(res.statusCode).toBe(302);
    const setCookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
    const session = setCookie.find((c) => c.startsWith("__Host-bff.sid="));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//);
    expect(session).not.toMatch(/Domain=/i);
    expect(setCookie.some((c) => c.startsWith("bff.sid="))).toBe(false);
    jar.update(res);
    const me = await api(app, jar, "/api/me", https);
    expect(me.statusCode).toBe(200);
  });
});
