import { beforeEach, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { until } from "../helpers/until.js";

const LONG = 60_000;
const SHORT = 100;

/**
 * The contract's writes that must never bring back what was ended (update, tombstones) and the
 * capped namespaces anonymous traffic writes to. Keys of one owner share a hash tag, as the BFF's
 * do, so the same calls run on Redis Cluster. `current` returns the test's fresh store.
 */
export function describeGuardedWrites(current: () => KeyValueStore): void {
  let store: KeyValueStore;
  beforeEach(() => {
    store = current();
  });

  describe("extend (only while the key exists)", () => {
    it("moves the expiry of a present key and keeps its value", async () => {
      await store.set("tc:{e}", "v1", SHORT);
      expect(await store.extend("tc:{e}", LONG)).toBe(true);
      await store.set("tc:witness", "w", SHORT);
      await until(async () => (await store.get("tc:witness")) === undefined, "witness to expire");
      expect(await store.get("tc:{e}")).toBe("v1");
    });

    it("never creates a missing or expired key", async () => {
      expect(await store.extend("tc:{never}", LONG)).toBe(false);
      await store.set("tc:{expired}", "v", SHORT);
      await until(async () => (await store.get("tc:{expired}")) === undefined, "key to expire");
      expect(await store.extend("tc:{expired}", LONG)).toBe(false);
      expect(await store.get("tc:{never}")).toBeUndefined();
      expect(await store.get("tc:{expired}")).toBeUndefined();
    });
  });

  describe("update (only while the key exists)", () => {
    it("overwrites a present key with the new value and TTL", async () => {
      await store.set("sess:{u}", "v1", SHORT);
      expect(await store.update("sess:{u}", "v2", LONG)).toBe(true);
      await store.set("sess:witness", "w", SHORT);
      await until(async () => (await store.get("sess:witness")) === undefined, "witness to expire");
      expect(await store.get("sess:{u}")).toBe("v2");
    });

    it("never creates a missing, deleted or expired key", async () => {
      expect(await store.update("sess:{never}", "v", LONG)).toBe(false);
      await store.set("sess:{gone}", "v", LONG);
      await store.delete("sess:{gone}");
      expect(await store.update("sess:{gone}", "late", LONG)).toBe(false);
      await store.set("sess:{expired}", "v", SHORT);
      await until(async () => (await store.get("sess:{expired}")) === undefined, "key to expire");
      expect(await store.update("sess:{expired}", "late", LONG)).toBe(false);
      expect(await store.get("sess:{never}")).toBeUndefined();
      expect(await store.get("sess:{gone}")).toBeUndefined();
      expect(await store.get("sess:{expired}")).toBeUndefined();
    });

    it("loses every race against a delete: 50 updates around one delete leave nothing", async () => {
      await store.set("sess:{race}", "v", LONG);
      const updates = Array.from({ length: 50 }, (_, i) => store.update("sess:{race}", `u${i}`, LONG));
      await Promise.all([...updates.slice(0, 25), store.delete("sess:{race}"), ...updates.slice(25)]);
      expect(await store.update("sess:{race}", "after", LONG)).toBe(false);
      expect(await store.get("sess:{race}")).toBeUndefined();
    });
  });

  describe("tombstones", () => {
    const keys = ["sess:{t}", "tc:{t}", "at:{t}"];

    it("deletes every key of an owner at once and blocks guarded writes afterwards", async () => {
      for (const key of keys) await store.set(key, "v", LONG);
      await store.deleteWithTombstone(keys, "ended:{t}", LONG);
      for (const key of keys) expect(await store.get(key)).toBeUndefined();
      expect(await store.setUnlessTombstoned("tc:{t}", "late", LONG, "ended:{t}")).toBe(false);
      expect(await store.setUnlessTombstoned("at:{t}", "late", LONG, "ended:{t}")).toBe(false);
      expect(await store.update("sess:{t}", "late", LONG)).toBe(false);
      for (const key of keys) expect(await store.get(key)).toBeUndefined();
    });

    it("lets guarded writes through while there is no tombstone", async () => {
      expect(await store.setUnlessTombstoned("tc:{live}", "v1", LONG, "ended:{live}")).toBe(true);
      expect(await store.setUnlessTombstoned("tc:{live}", "v2", LONG, "ended:{live}")).toBe(true);
      expect(await store.get("tc:{live}")).toBe("v2");
    });

    it("writes no tombstone when none of the keys existed", async () => {
      await store.deleteWithTombstone(["sess:{anon}", "tc:{anon}"], "ended:{anon}", LONG);
      expect(await store.get("ended:{anon}")).toBeUndefined();
      expect(await store.setUnlessTombstoned("tc:{anon}", "v", LONG, "ended:{anon}")).toBe(true);
    });

    it("lets the tombstone expire after its TTL", async () => {
      await store.set("tc:{short}", "v", LONG);
      await store.deleteWithTombstone(["tc:{short}"], "ended:{short}", SHORT);
      expect(await store.get("ended:{short}")).toBeDefined();
      await until(async () => (await store.get("ended:{short}")) === undefined, "tombstone to expire");
    });

    it("blocks every one of 50 writes racing the end once the tombstone is there", async () => {
      await store.set("tc:{r}", "v", LONG);
      const writes = Array.from({ length: 50 }, (_, i) =>
        store.setUnlessTombstoned("tc:{r}", `w${i}`, LONG, "ended:{r}"),
      );
      await Promise.all([...writes.slice(0, 25), store.deleteWithTombstone(["tc:{r}"], "ended:{r}", LONG)]);
      await Promise.all(writes.slice(25));
      // Writes queued before the end were deleted with it; those after it were refused.
      expect(await store.get("tc:{r}")).toBeUndefined();
    });
  });

  describe("capped namespaces", () => {
    it("holds up to the cap, refuses the next without evicting, and takes each record once", async () => {
      for (let i = 0; i < 3; i++)
        expect(await store.addCapped("login", `s${i}`, `r${i}`, LONG, 3)).toBe(true);
      expect(await store.addCapped("login", "s3", "r3", LONG, 3)).toBe(false);
      expect(await store.takeCapped("login", "s3")).toBeUndefined();
      expect(await store.getCapped("login", "s3")).toBeUndefined();
      // Reading leaves the record (and its place) where it is.
      expect(await store.getCapped("login", "s0")).toBe("r0");
      expect(await store.getCapped("login", "s0")).toBe("r0");
      expect(await store.addCapped("login", "s5", "r5", LONG, 3)).toBe(false);
      expect(await store.takeCapped("login", "s0")).toBe("r0");
      expect(await store.getCapped("login", "s0")).toBeUndefined();
      expect(await store.takeCapped("login", "s0")).toBeUndefined();
      // Taking freed a place.
      expect(await store.addCapped("login", "s4", "r4", LONG, 3)).toBe(true);
      expect(await store.takeCapped("login", "s1")).toBe("r1");
      expect(await store.takeCapped("login", "s4")).toBe("r4");
    });

    it("never touches other keys, whatever fills the namespace", async () => {
      await store.set("sess:{keep}", "session", LONG);
      for (let i = 0; i < 20; i++) await store.addCapped("login", `s${i}`, "r", LONG, 5);
      expect(await store.get("sess:{keep}")).toBe("session");
      expect(await store.count("login:")).toBe(5);
    });

    it("frees the places of expired records", async () => {
      expect(await store.addCapped("login", "old", "r", SHORT, 1)).toBe(true);
      expect(await store.addCapped("login", "new", "r", LONG, 1)).toBe(false);
      await until(() => store.addCapped("login", "new", "r2", LONG, 1), "the old record to expire");
      expect(await store.takeCapped("login", "old")).toBeUndefined();
      expect(await store.takeCapped("login", "new")).toBe("r2");
    });

    it("keeps namespaces apart and lets exactly `cap` of 40 concurrent adds in", async () => {
      const added = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.addCapped("login", `c${i}`, "r", LONG, 10)),
      );
      expect(added.filter(Boolean)).toHaveLength(10);
      expect(await store.addCapped("other", "x", "r", LONG, 1)).toBe(true);
    });

    it("hands a record to exactly one of 50 concurrent takers", async () => {
      await store.addCapped("login", "once", "record", LONG, 10);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.takeCapped("login", "once")));
      expect(results.filter((r) => r !== undefined)).toEqual(["record"]);
    });

    it.each([0, -1, 1.5, Number.NaN])("rejects a cap of %s with a RangeError", async (cap) => {
      await expect(store.addCapped("login", "bad", "r", LONG, cap)).rejects.toThrow(RangeError);
    });
  });
}
