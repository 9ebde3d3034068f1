import { Signer } from "@fastify/cookie";
import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { sessionKeys } from "../../src/session/session-keys.js";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

/**
 * Attacks on the lean session reader (session-reader.ts), which loads the session of every request
 * but sign-in: the cookie's HMAC, then the record from the store. Whatever the cookie or record,
 * the answer is a session or a 401 with the cookie cleared under the full cookie rule; never a 5xx.
 */
const SECRET = "a-test-session-secret-that-is-long-enough-0123456789";

function setCookies(res: LightMyRequestResponse): string[] {
  return ([] as string[]).concat(res.headers["set-cookie"] ?? []);
}

/** A 401 `unauthenticated` that clears `bff.sid` with the attributes it was set with. */
function expectRefusedAndCleared(res: LightMyRequestResponse, what: string): void {
  expect(`${what}: ${res.statusCode} ${res.json().code}`).toBe(`${what}: 401 unauthenticated`);
  const clears = setCookies(res).filter((c) => c.startsWith("bff.sid=;"));
  expect(clears, `${what}: one Set-Cookie clearing bff.sid`).toHaveLength(1);
  for (const attribute of [/;\s*Max-Age=0/i, /;\s*HttpOnly/i, /;\s*SameSite=Lax/i, /;\s*Path=\/(;|$)/]) {
    expect(clears[0], what).toMatch(attribute);
  }
  expect(clears[0], what).not.toMatch(/Domain=/i);
}

function idOf(jar: CookieJar): string {
  const signed = decodeURIComponent(String(jar.cookies.get("bff.sid")));
  return signed.slice(0, signed.lastIndexOf("."));
}

const cookieFor = (signed: string) => `bff.sid=${encodeURIComponent(signed)}`;

describe("security: the lean session reader", () => {
  it("refuses a genuine id under a forged HMAC (flipped, or another secret's) with 401 and a full clear", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const id = idOf(jar);
    // The genuine cookie is verified first, so its signature sits in the signer's memo.
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    const genuine = new Signer(SECRET, "sha256").sign(id);
    const mac = genuine.slice(genuine.lastIndexOf(".") + 1);
    const forgeries = {
      "flipped HMAC": `${id}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`,
      "attacker's secret": new Signer("an-attacker-secret-of-at-least-32-characters", "sha256").sign(id),
      "HMAC of another id": `${id}.${new Signer(SECRET, "sha256").sign(`${id}x`).split(".").pop()}`,
    };
    for (const [what, forged] of Object.entries(forgeries)) {
      expectRefusedAndCleared(await api(app, undefined, "/api/me", { cookie: cookieFor(forged) }), what);
    }
    // Refusing the forgeries ended nothing: the genuine session goes on.
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
  });

  it("refuses a correctly signed id that has no record (never issued, or ended) with 401 and a full clear", async () => {
    const { app, emulator } = await buildTestApp();
    const signer = new Signer(SECRET, "sha256");
    expectRefusedAndCleared(
      await api(app, undefined, "/api/me", {
        cookie: cookieFor(signer.sign("never-issued-id-0123456789ab")),
      }),
      "never issued",
    );
    const jar = await signIn(app, emulator, ADELE);
    const out = await app.inject({
      method: "POST",
      url: "/logout",
      headers: { "x-csrf": "1", cookie: jar.header() },
    });
    expect(out.statusCode).toBe(200);
    expectRefusedAndCleared(await api(app, jar, "/api/me"), "ended");
  });

  const CORRUPT: Record<string, (record: Record<string, unknown>) => string> = {
    "not JSON": () => "{not json",
    "a JSON array": () => "[1,2]",
    "a JSON string": () => JSON.stringify("session"),
    "no auth": ({ auth: _auth, ...rest }) => JSON.stringify(rest),
    "auth null": (r) => JSON.stringify({ ...r, auth: null }),
    "auth a string": (r) => JSON.stringify({ ...r, auth: "auth" }),
    "expiresAt a string": (r) =>
      JSON.stringify({ ...r, auth: { ...(r.auth as object), expiresAt: "never" } }),
    "lastSeenAt missing": (r) =>
      JSON.stringify({ ...r, auth: { ...(r.auth as object), lastSeenAt: undefined } }),
    "user null": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), user: null } }),
    "user empty": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), user: {} } }),
    "user an array": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), user: [] } }),
    "user's name a number": (r) =>
      JSON.stringify({
        ...r,
        auth: { ...(r.auth as object), user: { ...(r.auth as { user: object }).user, name: 7 } },
      }),
    "groups a string": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), groups: "g" } }),
    "roles an object": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), roles: { a: 1 } } }),
    "cacheKey a number": (r) => JSON.stringify({ ...r, auth: { ...(r.auth as object), cacheKey: 42 } }),
    "a newer format version": (r) => JSON.stringify({ ...r, _v: 99 }),
  };

  it.each(Object.keys(CORRUPT))(
    "treats a stored record that is %s as no session: 401, no 5xx",
    async (kind) => {
      const { app, emulator, store } = await buildTestApp();
      const jar = await signIn(app, emulator, ADELE);
      const key = sessionKeys.record(idOf(jar));
      const record = JSON.parse(String(await store.get(key))) as Record<string, unknown>;
      await store.set(key, (CORRUPT[kind] as (r: Record<string, unknown>) => string)(record), 60_000);
      expectRefusedAndCleared(await api(app, jar, "/api/me"), kind);
      for (const url of ["/api/session", "/api/session/state", "/api/sessions"]) {
        const res = await api(app, jar, url);
        expect(`${url}: ${res.statusCode < 500}`).toBe(`${url}: true`);
      }
    },
  );

  it("never answers 5xx for a session cookie of 1 MB (past the HTTP parser, which refuses it earlier)", async () => {
    const { app } = await buildTestApp();
    for (const value of ["a".repeat(1_000_000), `${"a".repeat(500_000)}.${"b".repeat(500_000)}`]) {
      expectRefusedAndCleared(await api(app, undefined, "/api/me", { cookie: cookieFor(value) }), "1 MB");
    }
  });

  it("reads the first of two session cookies and never mixes two sessions", async () => {
    const { app, emulator } = await buildTestApp();
    const users = emulator.users.map((u) => u.userPrincipalName).filter((u) => u !== ADELE);
    const adele = await signIn(app, emulator, ADELE);
    const other = await signIn(app, emulator, users[0] as string);
    const both = (first: CookieJar | string, second: CookieJar | string) =>
      [first, second].map((c) => (typeof c === "string" ? `bff.sid=${c}` : c.header())).join("; ");
    const whoAmI = async (cookie: string) => (await api(app, undefined, "/api/session", { cookie })).json();

    expect((await whoAmI(both(adele, other))).user.username).toBe(ADELE);
    expect((await whoAmI(both(other, adele))).user.username).toBe(users[0]);
    // A forged cookie first: no session for this request, and the genuine one is not ended.
    const forgedFirst = await api(app, undefined, "/api/me", { cookie: both("forged.value", adele) });
    expectRefusedAndCleared(forgedFirst, "forged first");
    expect((await api(app, adele, "/api/me")).statusCode).toBe(200);
    // The genuine cookie first, a forged one after it: served, nothing cleared.
    const genuineFirst = await api(app, undefined, "/api/me", { cookie: both(adele, "forged.value") });
    expect(genuineFirst.statusCode).toBe(200);
    expect(setCookies(genuineFirst)).toEqual([]);
  });
});
