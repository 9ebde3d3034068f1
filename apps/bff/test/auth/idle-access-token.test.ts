import { afterEach, describe, expect, it, vi } from "vitest";
import { createFastifySessionStore } from "../../src/session/fastify-session-store.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import type { SessionAuth } from "../../src/session/session-data.js";
import { sessionKeys } from "../../src/session/session-keys.js";
import { TOUCH_INTERVAL_MS, touchIntervalFor } from "../../src/session/session-plugin.js";
import { SHARED_TOKEN_TOUCHES, sharedTokenIdleMs } from "../../src/session/shared-token-window.js";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

const realNow = performance.now.bind(performance);
afterEach(() => {
  vi.useRealTimers();
  performance.now = realNow;
});

/** The default window: five touch intervals of the default 30-minute idle timeout. */
const WINDOW_MS = sharedTokenIdleMs(30 * 60_000);

function sessionId(jar: CookieJar): string {
  const signed = decodeURIComponent(String(jar.cookies.get("bff.sid")));
  return signed.slice(0, signed.lastIndexOf("."));
}

let clock = Date.now();
let shift = 0;
/** Moves both clocks: Date (session lifetimes, the store) and performance (the in-process token copies). */
function advance(ms: number) {
  clock += ms;
  shift += ms;
  const moved = shift;
  vi.useFakeTimers({ toFake: ["Date"], now: clock });
  performance.now = () => realNow() + moved;
}

/** The test app on a memory store whose TTLs run on Date.now, so fake dates expire keys. */
async function signedIn() {
  const store = createMemoryStore({ now: () => Date.now() });
  const built = await buildTestApp({ logLevel: "silent", store });
  const jar = await signIn(built.app, built.emulator, ADELE);
  const id = sessionId(jar);
  const refreshes = () => built.emulator.requests({ grantType: "refresh_token" }).length;
  clock = Date.now();
  shift = 0;
  return { ...built, store, jar, id, refreshes };
}

describe("the access token of an idle session", { timeout: 30_000 }, () => {
  it("is five touch intervals, whatever the idle timeout", () => {
    expect(WINDOW_MS).toBe(5 * TOUCH_INTERVAL_MS);
    for (const minutes of [1, 5, 9, 30, 600]) {
      expect(sharedTokenIdleMs(minutes * 60_000)).toBe(
        SHARED_TOKEN_TOUCHES * touchIntervalFor(minutes * 60_000),
      );
    }
  });

  it("goes after the window while the record and refresh token stay; the next call redeems the refresh token once", async () => {
    const { app, store, jar, id, refreshes } = await signedIn();
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(await store.get(sessionKeys.accessToken(id))).toBeDefined();
    expect(refreshes()).toBe(0);

    advance(WINDOW_MS + 1_000);
    // What an idle session holds: its record and its token cache, no access token.
    expect(await store.get(sessionKeys.accessToken(id))).toBeUndefined();
    expect(await store.get(sessionKeys.record(id))).toBeDefined();
    expect(await store.get(sessionKeys.tokenCache(id))).toBeDefined();

    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(refreshes()).toBe(1);
    expect(await store.get(sessionKeys.accessToken(id))).toBeDefined();
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(refreshes()).toBe(1);
  });

  it("stays while the session is in use: every touch extends it", async () => {
    const { app, store, jar, id, refreshes } = await signedIn();
    // A request just after each touch interval, for twice the window, none of them an API call.
    for (let elapsed = 0; elapsed < 2 * WINDOW_MS; elapsed += TOUCH_INTERVAL_MS + 1_000) {
      advance(TOUCH_INTERVAL_MS + 1_000);
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
    }
    expect(await store.get(sessionKeys.accessToken(id))).toBeDefined();
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(refreshes()).toBe(0);
  });
});

describe("the session touch", () => {
  it("extends the shared tokens of every declared API for the window, never past the session", async () => {
    const inner = createMemoryStore();
    const extended = new Map<string, number>();
    const kv: KeyValueStore = {
      ...inner,
      kind: inner.kind,
      async extend(key, ttlMs) {
        extended.set(key, ttlMs);
        return inner.extend(key, ttlMs);
      },
    };
    const idleMs = 30 * 60_000;
    const store = createFastifySessionStore(kv, { idleMs, tombstoneMs: 60_000, resourceIds: ["r1"] });
    const now = Date.now();
    const auth = { cacheKey: "s", createdAt: now, expiresAt: now + 8 * 3_600_000, lastSeenAt: now };
    await kv.set(sessionKeys.record("s"), "{}", 60_000);
    expect(await store.touch("s", auth as SessionAuth)).toBe(true);
    expect(extended.get(sessionKeys.accessToken("s"))).toBe(WINDOW_MS);
    expect(extended.get(sessionKeys.accessToken("s", "r1"))).toBe(WINDOW_MS);
    expect(extended.get(sessionKeys.tokenCache("s"))).toBe(idleMs);

    // A session with less left than the window takes its tokens with it.
    const ending = { ...auth, expiresAt: now + 60_000 };
    expect(await store.touch("s", ending as SessionAuth)).toBe(true);
    expect(extended.get(sessionKeys.accessToken("s"))).toBeLessThanOrEqual(60_000);
    await inner.close();
  });
});
