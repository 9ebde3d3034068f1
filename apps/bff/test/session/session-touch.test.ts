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

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  return ([] as string[]).concat((res.headers["set-cookie"] as string[] | string | undefined) ?? []);
}

describe("the once-a-minute session touch", () => {
  it("moves lastSeenAt in the store without re-sending the session cookie", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const key = sessionKeys.record(sessionId(jar));
    const before = JSON.parse(String(await store.get(key))).auth.lastSeenAt as number;

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + TOUCH_INTERVAL_MS + 1_000 });
    const res = await api(app, jar, "/api/session");

    expect(res.json().authenticated).toBe(true);
    expect(setCookies(res)).toEqual([]);
    const after = JSON.parse(String(await store.get(key))).auth.lastSeenAt as number;
    expect(after).toBeGreaterThanOrEqual(before + TOUCH_INTERVAL_MS);
  });

  it("does not write at all before the interval has passed", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const key = sessionKeys.record(sessionId(jar));
    const stored = await store.get(key);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + TOUCH_INTERVAL_MS - 5_000 });
    const res = await api(app, jar, "/api/session");
    expect(setCookies(res)).toEqual([]);
    expect(await store.get(key)).toBe(stored);
  });

  it("never recreates a record that was ended elsewhere while the request ran", async () => {
    const { app, emulator, store } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const id = sessionId(jar);
    // Another instance signs the user out between this request's read and its touch.
    const realGet = store.get.bind(store);
    store.get = async (key) => {
      const value = await realGet(key);
      if (key === sessionKeys.record(id))
        await store.deleteWithTombstone([key], sessionKeys.tombstone(id), 60_000);
      return value;
    };
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + TOUCH_INTERVAL_MS + 1_000 });
    const res = await api(app, jar, "/api/session");

    expect(res.json().authenticated).toBe(false);
    expect(setCookies(res).some((c) => /^bff\.sid=[^;]/.test(c))).toBe(false);
    expect(await realGet(sessionKeys.record(id))).toBeUndefined();
  });

  it("keeps an active user signed in with the shortest idle timeout (SESSION_IDLE_MINUTES=1)", async () => {
    const { app, emulator } = await buildTestApp({ env: { SESSION_IDLE_MINUTES: "1" } });
    const jar = await signIn(app, emulator, ADELE);
    const start = Date.now();
    // A request every 15 s for 3 minutes: never idle for a minute, so never signed out.
    for (let elapsed = 15_000; elapsed <= 180_000; elapsed += 15_000) {
      vi.useFakeTimers({ toFake: ["Date"], now: start + elapsed });
      const res = await api(app, jar, "/api/session");
      expect(`${elapsed / 1000} s: ${res.json().authenticated}`).toBe(`${elapsed / 1000} s: true`);
    }
    // …and idle for just over the minute does end it.
    vi.useFakeTimers({ toFake: ["Date"], now: start + 180_000 + 61_000 });
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
  });
});
