import { Signer } from "@fastify/cookie";
import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, buildTestApp, CookieJar } from "../helpers/test-app.js";
import { COOKIE_MODES } from "./helpers.js";

/** Per mode: the session cookie's name and, over https, the previous release's name. */
const MODES = COOKIE_MODES.map((m) => ({
  ...m,
  sid: `${m.sidPrefix}bff.sid`,
  legacy: m.prefix ? `${m.prefix}bff.sid` : undefined,
}));

/**
 * SESSION_SECRET rotation on the lean reader: a cookie signed with an older secret of the list is
 * served, and that very response re-issues it signed with the newest secret (same id, the cookie
 * rule, the remaining lifetime), so the old secret can be retired without signing anyone out.
 */
const NEW = "the-newest-session-secret-of-at-least-32-chars-0123";
const OLD = "the-previous-session-secret-of-at-least-32-chars-456";
const ABSOLUTE_SECONDS = 8 * 3600;

function setCookiesOf(res: LightMyRequestResponse, name: string): string[] {
  return ([] as string[]).concat(res.headers["set-cookie"] ?? []).filter((c) => c.startsWith(`${name}=`));
}

/** The signed value one Set-Cookie gives `name`, checked against the cookie rule. */
function issued(res: LightMyRequestResponse, name: string, secure: boolean): string {
  const cookies = setCookiesOf(res, name);
  expect(cookies, `one Set-Cookie for ${name}`).toHaveLength(1);
  const cookie = String(cookies[0]);
  expect(cookie).toMatch(/;\s*HttpOnly/i);
  expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
  expect(cookie).not.toMatch(/Domain=/i);
  if (secure) expect(cookie).toMatch(/;\s*Secure/i);
  const maxAge = Number(/;\s*Max-Age=(\d+)/i.exec(cookie)?.[1]);
  expect(maxAge).toBeGreaterThan(ABSOLUTE_SECONDS - 120);
  expect(maxAge).toBeLessThanOrEqual(ABSOLUTE_SECONDS);
  return decodeURIComponent(cookie.slice(name.length + 1, cookie.indexOf(";")));
}

describe.each(MODES)("security: a session cookie signed with an older SESSION_SECRET ($mode)", (m) => {
  const secure = m.legacy !== undefined;
  const get = (app: Awaited<ReturnType<typeof buildTestApp>>["app"], url: string, cookie: string) =>
    app.inject({ method: "GET", url, headers: { ...m.headers, "x-csrf": "1", cookie } });

  async function signedInWithOldSecret() {
    const t = await buildTestApp({ env: { ...m.env, SESSION_SECRET: `${NEW},${OLD}` } });
    const jar = new CookieJar();
    const login = await t.app.inject({ method: "GET", url: "/login", headers: m.headers });
    jar.update(login);
    const redirect = await t.emulator.signIn(String(login.headers.location), ADELE);
    jar.update(
      await t.app.inject({
        method: "GET",
        url: `${redirect.pathname}${redirect.search}`,
        headers: { ...m.headers, cookie: jar.header() },
      }),
    );
    const signed = decodeURIComponent(String(jar.cookies.get(m.sid)));
    expect(new Signer(NEW, "sha256").unsign(signed).valid).toBe(true);
    const id = signed.slice(0, signed.lastIndexOf("."));
    // The same session as a browser holds it from before the rotation: signed with the old secret.
    return { ...t, id, old: new Signer(OLD, "sha256").sign(id), current: signed };
  }

  it("serves it and re-issues the cookie signed with the newest secret, once", async () => {
    const { app, id, old } = await signedInWithOldSecret();
    const res = await get(app, "/api/session", `${m.sid}=${encodeURIComponent(old)}`);
    expect(res.json()).toMatchObject({ authenticated: true, user: { username: ADELE } });
    const reissued = issued(res, m.sid, secure);
    expect(new Signer(NEW, "sha256").unsign(reissued)).toMatchObject({
      valid: true,
      renew: false,
      value: id,
    });
    if (m.legacy) expect(issued(res, m.legacy, secure)).toBe(reissued);
    // The re-issued cookie is served without being re-issued again.
    const next = await get(app, "/api/session", `${m.sid}=${encodeURIComponent(reissued)}`);
    expect(next.json().authenticated).toBe(true);
    expect(setCookiesOf(next, m.sid)).toEqual([]);
    // And the old cookie keeps working until the old secret is retired (it is still in the list).
    expect((await get(app, "/api/me", `${m.sid}=${encodeURIComponent(old)}`)).statusCode).toBe(200);
  });

  it("re-issues with the newest secret even after the signer has remembered the old cookie", async () => {
    const { app, old } = await signedInWithOldSecret();
    for (let i = 0; i < 3; i++) {
      const res = await get(app, "/api/me", `${m.sid}=${encodeURIComponent(old)}`);
      expect(res.statusCode).toBe(200);
      expect(new Signer(NEW, "sha256").unsign(issued(res, m.sid, secure)).valid).toBe(true);
    }
  });

  if (m.legacy) {
    const legacy = m.legacy;
    it("serves the previous release's cookie name signed with the old secret, and re-issues both names", async () => {
      const { app, old, current } = await signedInWithOldSecret();
      const res = await get(app, "/api/session", `${legacy}=${encodeURIComponent(old)}`);
      expect(res.json().authenticated).toBe(true);
      expect(issued(res, m.sid, secure)).toBe(current);
      expect(issued(res, legacy, secure)).toBe(current);
    });
  }

  it("refuses a cookie signed with a secret that is no longer in the list", async () => {
    const { app, id } = await signedInWithOldSecret();
    const retired = new Signer("a-retired-session-secret-of-at-least-32-chars-789", "sha256").sign(id);
    const res = await get(app, "/api/me", `${m.sid}=${encodeURIComponent(retired)}`);
    expect(res.statusCode).toBe(401);
    expect(setCookiesOf(res, m.sid)).toEqual([expect.stringMatching(/;\s*Max-Age=0/i)]);
  });
});
