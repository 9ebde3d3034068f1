import { afterEach, describe, expect, it, vi } from "vitest";
import { sessionKeys } from "../../src/session/session-keys.js";
import { TOUCH_INTERVAL_MS } from "../../src/session/session-plugin.js";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

afterEach(() => {
  vi.useRealTimers();
});

function sessionId(jar: CookieJar): string {
  const signed = decodeURIComponent(String(jar.cookies.get("bff.sid")));
  return signed.slice(0, signed.lastIndexOf("."));
}

/** The cookie sub-object @fastify/session serialized into every record before this release. */
const OLD_COOKIE = {
  expires: "2099-01-01T00:00:00.000Z",
  originalMaxAge: 28_800_000,
  sameSite: "lax",
  secure: false,
  path: "/",
  httpOnly: true,
  domain: null,
};

describe("the stored session record", () => {
  it("holds the session's auth without @fastify/session's cookie sub-object, in format 1", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const key = sessionKeys.record(sessionId(jar));
    const created = JSON.parse(String(await store.get(key)));
    expect(Object.keys(created).sort()).toEqual(["_v", "auth"]);
    expect(created._v).toBe(1);
    expect(created.auth.user.username).toBe(ADELE);

    // The touch rewrites the record in the same shape.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + TOUCH_INTERVAL_MS + 1_000 });
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
    const touched = JSON.parse(String(await store.get(key)));
    expect(Object.keys(touched).sort()).toEqual(["_v", "auth"]);
    expect(touched.auth.lastSeenAt).toBeGreaterThan(created.auth.lastSeenAt);
  });

  it("still serves and touches a record stored with the cookie sub-object (written by an older release)", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const key = sessionKeys.record(sessionId(jar));
    const current = JSON.parse(String(await store.get(key)));
    await store.set(key, JSON.stringify({ _v: 1, cookie: OLD_COOKIE, auth: current.auth }), 60_000);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + TOUCH_INTERVAL_MS + 1_000 });
    const res = await api(app, jar, "/api/session");
    expect(res.json()).toMatchObject({ authenticated: true, user: { username: ADELE } });
    // The touch leaves it in the compact shape, and re-sends no cookie.
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(Object.keys(JSON.parse(String(await store.get(key)))).sort()).toEqual(["_v", "auth"]);
  });

  it("still serves an unversioned record with the cookie (the release before versioning)", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const key = sessionKeys.record(sessionId(jar));
    const { auth } = JSON.parse(String(await store.get(key)));
    await store.set(key, JSON.stringify({ cookie: OLD_COOKIE, auth }), 60_000);
    expect((await api(app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });
  });
});
