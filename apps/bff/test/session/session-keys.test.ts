import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { endSessionKeys, sessionKeys, tombstoneTtlMs } from "../../src/session/session-keys.js";

/** Redis Cluster hashes only what is between the first `{` and the next `}`. */
function hashTag(key: string): string | undefined {
  return /\{([^}]+)\}/.exec(key)?.[1];
}

describe("the keys of one session", () => {
  it("all carry the session id as their one Redis hash tag (one slot on Redis Cluster)", () => {
    const id = "AbC-123_xyz";
    const keys = Object.values(sessionKeys).map((key) => key(id));
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(hashTag(key)).toBe(id);
  });

  it("end together, behind a tombstone that outlives any request in flight", async () => {
    const store = createMemoryStore();
    const id = "s1";
    for (const key of [sessionKeys.record(id), sessionKeys.tokenCache(id), sessionKeys.accessToken(id)]) {
      await store.set(key, "v", 60_000);
    }
    await endSessionKeys(store, id, tombstoneTtlMs(10_000));
    expect(await store.count("sess:")).toBe(0);
    expect(await store.count("tc:")).toBe(0);
    expect(await store.count("at:")).toBe(0);
    expect(await store.get(sessionKeys.tombstone(id))).toBeDefined();
    expect(tombstoneTtlMs(10_000)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(tombstoneTtlMs(600_000)).toBeGreaterThan(600_000);
    await store.close();
  });
});
