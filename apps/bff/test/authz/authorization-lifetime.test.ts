import { afterEach, describe, expect, it, vi } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Every TTL the store was given for refreshed authorizations (`authz:`), by operation. */
function authzTtls(): { store: KeyValueStore; ttls: Array<[string, number]> } {
  const inner = createMemoryStore();
  const ttls: Array<[string, number]> = [];
  const store: KeyValueStore = {
    ...inner,
    kind: inner.kind,
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      if (key.startsWith("authz:")) ttls.push(["write", ttlMs]);
      return inner.setUnlessTombstoned(key, value, ttlMs, tombstone);
    },
    async extend(key, ttlMs) {
      if (key.startsWith("authz:")) ttls.push(["extend", ttlMs]);
      return inner.extend(key, ttlMs);
    },
  };
  return { store, ttls };
}

describe("the roles of the last refresh", () => {
  it("live as long as the session: the idle timeout, extended by each touch (never the sign-in's roles again)", async () => {
    const { store, ttls } = authzTtls();
    const idleMs = 5 * 60_000;
    const { app, emulator } = await buildTestApp({ env: { SESSION_IDLE_MINUTES: "5" }, store });
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const jar = await signIn(app, emulator, ADELE);
    emulator.setUserRoles(ADELE, []);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200); // refreshes: roles now []
    expect(ttls).toEqual([["write", idleMs]]);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 }); // the touch is due
    const session = (await api(app, jar, "/api/session")).json();
    expect(session.roles).toEqual([]);
    const extended = ttls.filter(([op]) => op === "extend").map(([, ttl]) => ttl);
    expect(extended).toHaveLength(1);
    expect(extended[0]).toBeGreaterThan(idleMs - 5_000);
  });
});
