import { describe, expect, it } from "vitest";
import { slimCache } from "../../src/auth/token-cache.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

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
    expect(stored.AccessToken).toEqual({});
    expect(stored.IdToken).toEqual({});

    for (let i = 0; i < 2; i++) expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    expect(emulator.requests({ grantType: "refresh_token" }).map((r) => r.status)).toEqual([200, 200]);
  });

  it("leaves a cache it cannot parse as it is", () => {
    expect(slimCache("not json")).toBe("not json");
  });
});
