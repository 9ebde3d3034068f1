import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, buildTestApp, CookieJar } from "../helpers/test-app.js";
import { COOKIE_MODES as MODES } from "./helpers.js";

/**
 * The Set-Cookie that clears `name`: it must carry the attributes the cookie was set with, or the
 * browser keeps the cookie (a `__Host-` cookie is only replaced by one that is Secure, Path=/).
 */
function expectCleared(res: LightMyRequestResponse, name: string, secure: boolean): void {
  const setCookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
  const clears = setCookie.filter((c) => c.startsWith(`${name}=;`));
  expect(clears, `one Set-Cookie clearing ${name} in ${setCookie.join(" | ")}`).toHaveLength(1);
  const clear = String(clears[0]);
  expect(clear).toMatch(/;\s*Max-Age=0/i);
  expect(clear).toMatch(/;\s*HttpOnly/i);
  expect(clear).toMatch(/;\s*SameSite=Lax/i);
  expect(clear).toMatch(/;\s*Path=\/(;|$)/);
  expect(clear).not.toMatch(/Domain=/i);
  if (secure) expect(clear).toMatch(/;\s*Secure/i);
}

describe.each(MODES)(
  "security: clearing a cookie keeps its attributes ($mode)",
  ({ env, prefix, sidPrefix, headers }) => {
    const secure = prefix !== "";
    const sid = `${sidPrefix}bff.sid`;
    /** Every name a session cookie is cleared under. */
    const sids = secure ? [sid, `${prefix}bff.sid`] : [sid];
    const login = `${prefix}bff.login`;

    it("clears a forged session cookie with HttpOnly, SameSite=Lax, Path=/ (and Secure over https)", async () => {
      const { app } = await buildTestApp({ env });
      const res = await app.inject({
        method: "GET",
        url: "/api/session",
        headers: { ...headers, "x-csrf": "1", cookie: `${sid}=forged.value` },
      });
      expect(res.json()).toMatchObject({ authenticated: false });
      for (const name of sids) expectCleared(res, name, secure);
    });

    it("clears a stale (signed but ended) session cookie the same way", async () => {
      const { app, emulator } = await buildTestApp({ env });
      const jar = new CookieJar();
      const start = await app.inject({ method: "GET", url: "/login", headers });
      jar.update(start);
      const redirect = await emulator.signIn(String(start.headers.location), ADELE);
      jar.update(
        await app.inject({
          method: "GET",
          url: `${redirect.pathname}${redirect.search}`,
          headers: { ...headers, cookie: jar.header() },
        }),
      );
      const stale = jar.header();
      const logout = await app.inject({
        method: "POST",
        url: "/logout",
        headers: { ...headers, "x-csrf": "1", cookie: stale },
      });
      expect(logout.statusCode).toBe(200);
      for (const name of sids) expectCleared(logout, name, secure);
      const again = await app.inject({
        method: "GET",
        url: "/api/session",
        headers: { ...headers, "x-csrf": "1", cookie: stale },
      });
      expect(again.json()).toMatchObject({ authenticated: false });
      for (const name of sids) expectCleared(again, name, secure);
    });

    it("signing in again while signed in sends the new session cookie and no attribute-less clear", async () => {
      const { app, emulator } = await buildTestApp({ env });
      const jar = new CookieJar();
      for (let round = 0; round < 2; round++) {
        const start = await app.inject({
          method: "GET",
          url: "/login",
          headers: { ...headers, cookie: jar.header() },
        });
        jar.update(start);
        const redirect = await emulator.signIn(String(start.headers.location), ADELE);
        const callback = await app.inject({
          method: "GET",
          url: `${redirect.pathname}${redirect.search}`,
          headers: { ...headers, cookie: jar.header() },
        });
        expect(callback.statusCode).toBe(302);
        const sessionCookies = ([] as string[])
          .concat(callback.headers["set-cookie"] ?? [])
          .filter((c) => c.startsWith(`${sid}=`));
        // Exactly one: the new session cookie, under the one rule (no bare `Path=/` clear first).
        expect(sessionCookies).toHaveLength(1);
        expect(sessionCookies[0]).toMatch(/;\s*HttpOnly/i);
        if (secure) expect(sessionCookies[0]).toMatch(/;\s*Secure/i);
        jar.update(callback);
      }
    });

    it("clears a binding cookie the BFF never issued with the same attributes", async () => {
      const { app } = await buildTestApp({ env });
      const res = await app.inject({
        method: "GET",
        url: `/getAToken?code=x&state=${"A".repeat(43)}`,
        headers: { ...headers, cookie: `${login}=${"B".repeat(43)}` },
      });
      expect(res.statusCode).toBe(400);
      expectCleared(res, login, secure);
    });
  },
);
