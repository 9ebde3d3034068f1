import { afterEach, describe, expect, it, vi } from "vitest";
import { slimCache } from "../../src/auth/token-cache.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Every TTL a store was given for token-cache keys (`tc:`), by operation. */
function ttlRecordingStore(): { store: KeyValueStore; ttls: Array<[string, number]> } {
  const inner = createMemoryStore();
  const ttls: Array<[string, number]> = [];
  const note = (op: string, key: string, ttlMs: number) => {
    if (key.startsWith("tc:")) ttls.push([op, ttlMs]);
  };
  const store: KeyValueStore = {
    ...inner,
    kind: inner.kind,
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      note("write", key, ttlMs);
      return inner.setUnlessTombstoned(key, value, ttlMs, tombstone);
    },
    async set(key, value, ttlMs) {
      note("write", key, ttlMs);
      return inner.set(key, value, ttlMs);
    },
    async extend(key, ttlMs) {
      note("extend", key, ttlMs);
      return inner.extend(key, ttlMs);
    },
  };
  return { store, ttls };
}

/** A memory store that remembers the last value written under each key. */
function recordingStore(): { store: KeyValueStore; written: Map<string, string> } {
  const inner = createMemoryStore();
  const written = new Map<string, string>();
  const store: KeyValueStore = {
    ...inner,
    kind: inner.kind,
    async set(key, value, ttlMs) {
      written.set(key, value);
      await inner.set(key, value, ttlMs);
    },
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      written.set(key, value);
      return inner.setUnlessTombstoned(key, value, ttlMs, tombstone);
    },
  };
  return { store, written };
}

describe("the per-session MSAL token cache", { timeout: 30_000 }, () => {
  it("stores only the account and refresh token, and refreshes still work from it", async () => {
    const { store, written } = recordingStore();
    const { app, emulator } = await buildTestApp({ logLevel: "silent", store });
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 }); // every API call must refresh via MSAL
    const jar = await signIn(app, emulator, ADELE);

    const caches = [...written].filter(([key]) => key.startsWith("tc:"));
    expect(caches).toHaveLength(1);
    const stored = JSON.parse(caches[0]?.[1] ?? "{}");
    expect(Object.keys(stored.Account)).toHaveLength(1);
    expect(Object.keys(stored.RefreshToken)).toHaveLength(1);
    expect(Object.keys(stored).sort()).toEqual(["Account", "RefreshToken", "_v"]);
    // The account: only what MSAL needs to find it and its refresh token (no name, client_info,
    // tenant profiles: the next refresh's ID token brings them back).
    const [account] = Object.values(stored.Account) as Array<Record<string, unknown>>;
    expect(Object.keys(account ?? {}).sort()).toEqual([
      "authority_type",
      "environment",
      "home_account_id",
      "local_account_id",
      "realm",
      "username",
    ]);
    expect(JSON.stringify(stored)).not.toContain("Adele Vance");

    for (let i = 0; i < 2; i++) expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" }).map((r) => r.status)).toEqual([200, 200]);
  });

  it("keeps the refresh token no longer than the session's idle timeout, extended by each touch", async () => {
    const { store, ttls } = ttlRecordingStore();
    const idleMs = 5 * 60_000;
    const { app, emulator } = await buildTestApp({ env: { SESSION_IDLE_MINUTES: "5" }, store });
    const jar = await signIn(app, emulator, ADELE);
    // Before: the cache lived SESSION_ABSOLUTE_HOURS (8 h) after a session that idled out in 5 min.
    expect(ttls.filter(([op]) => op === "write").map(([, ttl]) => ttl)).toEqual([idleMs]);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 }); // the touch is due
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
    const extended = ttls.filter(([op]) => op === "extend").map(([, ttl]) => ttl);
    expect(extended).toHaveLength(1);
    expect(extended[0]).toBeGreaterThan(idleMs - 5_000);
    expect(extended[0]).toBeLessThanOrEqual(idleMs);
  });

  it("leaves a cache it cannot parse as it is", () => {
    expect(slimCache("not json")).toBe("not json");
    expect(slimCache("null")).toBe("null");
  });

  it("keeps a family client's app metadata", () => {
    const metadata = { "appmetadata-login.microsoftonline.com-c": { client_id: "c", family_id: "1" } };
    expect(JSON.parse(slimCache(JSON.stringify({ Account: {}, AppMetadata: metadata }))).AppMetadata).toEqual(
      metadata,
    );
  });
});
