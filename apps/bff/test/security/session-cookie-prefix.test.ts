import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, buildTestApp, CookieJar } from "../helpers/test-app.js";

const HTTPS_ENV = { PUBLIC_URL: "https://app.contoso.test", TRUST_PROXY: "1" };
const HTTPS = { "x-forwarded-proto": "https", "x-csrf": "1" };
const NEW = "__Host-Http-bff.sid";
/** The previous release's name for the same cookie. */
const OLD = "__Host-bff.sid";
const ABSOLUTE_SECONDS = 8 * 3600;

function setCookies(res: LightMyRequestResponse): string[] {
  return ([] as string[]).concat(res.headers["set-cookie"] ?? []);
}

function only(res: LightMyRequestResponse, name: string): string {
  const found = setCookies(res).filter((c) => c.startsWith(`${name}=`));
  expect(found, `one Set-Cookie for ${name} in ${setCookies(res).join(" | ")}`).toHaveLength(1);
  return String(found[0]);
}

function expectPolicy(cookie: string): void {
  expect(cookie).toMatch(/;\s*Secure/i);
  expect(cookie).toMatch(/;\s*HttpOnly/i);
  expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
  expect(cookie).not.toMatch(/Domain=/i);
}

function maxAge(cookie: string): number {
  return Number(/;\s*Max-Age=(\d+)/i.exec(cookie)?.[1]);
}

async function signInHttps(
  app: FastifyInstance,
  emulator: Awaited<ReturnType<typeof buildTestApp>>["emulator"],
) {
  const jar = new CookieJar();
  const login = await app.inject({ method: "GET", url: "/login", headers: HTTPS });
  jar.update(login);
  const redirect = await emulator.signIn(String(login.headers.location), ADELE);
  const res = await app.inject({
    method: "GET",
    url: `${redirect.pathname}${redirect.search}`,
    headers: { ...HTTPS, cookie: jar.header() },
  });
  jar.update(res);
  return { jar, res };
}

const get = (app: FastifyInstance, url: string, cookie: string) =>
  app.inject({ method: "GET", url, headers: { ...HTTPS, cookie } });

describe("security: the __Host-Http- session cookie and its previous name", () => {
  it("signs in with __Host-Http-bff.sid, and the same value under __Host-bff.sid for instances of the previous release", async () => {
    const { app, emulator } = await buildTestApp({ env: HTTPS_ENV });
    const { jar, res } = await signInHttps(app, emulator);
    const current = only(res, NEW);
    const previous = only(res, OLD);
    expectPolicy(current);
    expectPolicy(previous);
    expect(jar.cookies.get(NEW)).toBe(jar.cookies.get(OLD));
    expect(maxAge(previous)).toBeGreaterThan(0);
    expect(maxAge(previous)).toBeLessThanOrEqual(ABSOLUTE_SECONDS);
    // A browser that holds both sends both: nothing to set again.
    const me = await get(app, "/api/me", jar.header());
    expect(me.statusCode).toBe(200);
    expect(setCookies(me).filter((c) => c.includes("bff.sid="))).toEqual([]);
  });

  it("accepts a session cookie of the previous release (__Host-bff.sid only) and sets __Host-Http-bff.sid with the same value", async () => {
    const { app, emulator } = await buildTestApp({ env: HTTPS_ENV });
    const { jar } = await signInHttps(app, emulator);
    const value = String(jar.cookies.get(OLD));
    const me = await get(app, "/api/me", `${OLD}=${value}`);
    expect(me.statusCode).toBe(200);
    const migrated = only(me, NEW);
    expectPolicy(migrated);
    expect(migrated.startsWith(`${NEW}=${value};`)).toBe(true);
    // Max-Age: what is left of the session's absolute lifetime, not a fresh one.
    expect(maxAge(migrated)).toBeGreaterThan(ABSOLUTE_SECONDS - 60);
    expect(maxAge(migrated)).toBeLessThanOrEqual(ABSOLUTE_SECONDS);
    // The old name stays for the previous release's instances until the session ends.
    expect(setCookies(me).some((c) => c.startsWith(`${OLD}=`))).toBe(false);
    // The new name alone is the session too.
    expect((await get(app, "/api/me", `${NEW}=${value}`)).statusCode).toBe(200);
  });

  it("prefers __Host-Http-bff.sid over a planted __Host-bff.sid", async () => {
    const { app, emulator } = await buildTestApp({ env: HTTPS_ENV });
    const victim = await signInHttps(app, emulator);
    const attacker = await signInHttps(app, emulator);
    const planted = String(attacker.jar.cookies.get(OLD));
    const me = await get(app, "/api/session", `${NEW}=${victim.jar.cookies.get(NEW)}; ${OLD}=${planted}`);
    expect(me.json()).toMatchObject({ authenticated: true });
    // The old name is put back in step with the session the new name holds.
    expect(only(me, OLD).startsWith(`${OLD}=${victim.jar.cookies.get(NEW)};`)).toBe(true);
    expect(setCookies(me).some((c) => c.startsWith(`${NEW}=`))).toBe(false);
  });

  it("clears both names on sign-out, and for a stale cookie under either name", async () => {
    const { app, emulator } = await buildTestApp({ env: HTTPS_ENV });
    const { jar } = await signInHttps(app, emulator);
    const value = String(jar.cookies.get(NEW));
    const logout = await app.inject({
      method: "POST",
      url: "/logout",
      headers: { ...HTTPS, cookie: `${OLD}=${value}` },
    });
    expect(logout.statusCode).toBe(200);
    for (const name of [NEW, OLD]) {
      const clear = only(logout, name);
      expect(clear).toMatch(new RegExp(`^${name}=;`));
      expect(clear).toMatch(/;\s*Max-Age=0/i);
      expectPolicy(clear);
    }
    for (const cookie of [`${OLD}=${value}`, `${NEW}=${value}`, `${NEW}=${value}; ${OLD}=${value}`]) {
      const stale = await get(app, "/api/session", cookie);
      expect(stale.json()).toMatchObject({ authenticated: false });
      expect(only(stale, NEW)).toMatch(/;\s*Max-Age=0/i);
      expect(only(stale, OLD)).toMatch(/;\s*Max-Age=0/i);
    }
  });

  it("keeps bff.sid over http, with no second name", async () => {
    const { app, emulator } = await buildTestApp();
    const login = await app.inject({ method: "GET", url: "/login" });
    const jar = new CookieJar();
    jar.update(login);
    const redirect = await emulator.signIn(String(login.headers.location), ADELE);
    const res = await app.inject({
      method: "GET",
      url: `${redirect.pathname}${redirect.search}`,
      headers: { cookie: jar.header() },
    });
    expect(setCookies(res).filter((c) => c.includes("bff.sid="))).toHaveLength(1);
    expect(only(res, "bff.sid")).not.toMatch(/Secure/i);
  });
});
