import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { until } from "../helpers/until.js";
import { describeGuardedWrites } from "./kv-store.guarded.contract.js";

/** Long enough that nothing expires during a test. */
const LONG = 60_000;
/** Short enough that expiry can be observed by polling. */
const SHORT = 100;

/**
 * The behaviour every `KeyValueStore` must have, whatever backs it. `makeStore` is called once
 * per test and must return an empty store (e.g. with a fresh key prefix); the suite closes it.
 */
export function describeKeyValueStoreContract(
  name: string,
  makeStore: () => KeyValueStore | Promise<KeyValueStore>,
): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe("get, set and delete", () => {
      it("returns undefined for a key that was never set", async () => {
        expect(await store.get("sess:missing")).toBeUndefined();
      });

      it("returns what was set", async () => {
        await store.set("sess:a", "value-a", LONG);
        expect(await store.get("sess:a")).toBe("value-a");
      });

      it("overwrites a value on a second set", async () => {
        await store.set("sess:a", "first", LONG);
        await store.set("sess:a", "second", LONG);
        expect(await store.get("sess:a")).toBe("second");
      });

      it("forgets a deleted key, and deleting a missing key is not an error", async () => {
        await store.set("sess:a", "value", LONG);
        await store.delete("sess:a");
        await store.delete("sess:never-there");
        expect(await store.get("sess:a")).toBeUndefined();
      });

      it("keeps keys apart, even when one is a prefix of another", async () => {
        await store.set("sess:a", "1", LONG);
        await store.set("sess:ab", "2", LONG);
        await store.delete("sess:a");
        expect(await store.get("sess:ab")).toBe("2");
      });

      it("round-trips unicode and an 8 KB payload unchanged", async () => {
        const unicode = "Ådele Vänce — 中文 — emoji 🚀✓ — \u0000 nul — \u{1F600}";
        const large = JSON.stringify({ cache: "x".repeat(8 * 1024), unicode });
        await store.set("tc:unicode", unicode, LONG);
        await store.set("tc:large", large, LONG);
        expect(await store.get("tc:unicode")).toBe(unicode);
        expect(await store.get("tc:large")).toBe(large);
      });

      it("accepts an empty string as a value, distinct from a missing key", async () => {
        await store.set("sess:empty", "", LONG);
        expect(await store.get("sess:empty")).toBe("");
      });
    });

    describe("TTL", () => {
      it("expires a key by itself after its TTL", async () => {
        await store.set("sess:short", "v", SHORT);
        await until(async () => (await store.get("sess:short")) === undefined, "key to expire");
      });

      it("gives a rewritten key the new TTL", async () => {
        await store.set("sess:renewed", "v", SHORT);
        await store.set("sess:renewed", "v2", LONG);
        await store.set("sess:witness", "w", SHORT);
        await until(async () => (await store.get("sess:witness")) === undefined, "witness to expire");
        expect(await store.get("sess:renewed")).toBe("v2");
      });

      it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
        "rejects a TTL of %s with a RangeError",
        async (ttl) => {
          await expect(store.set("sess:bad", "v", ttl)).rejects.toThrow(RangeError);
          await expect(store.setIfAbsent("lock:bad", "v", ttl)).rejects.toThrow(RangeError);
          expect(await store.get("sess:bad")).toBeUndefined();
          expect(await store.get("lock:bad")).toBeUndefined();
        },
      );
    });

    describe("take", () => {
      it("returns the value once, then undefined", async () => {
        await store.set("login:state", "record", LONG);
        expect(await store.take("login:state")).toBe("record");
        expect(await store.take("login:state")).toBeUndefined();
        expect(await store.get("login:state")).toBeUndefined();
      });

      it("returns undefined for a missing or expired key", async () => {
        expect(await store.take("login:missing")).toBeUndefined();
        await store.set("login:expiring", "record", SHORT);
        await until(async () => (await store.take("login:expiring")) === undefined, "record to expire");
      });

      it("hands the value to exactly one of 100 concurrent takers", async () => {
        await store.set("login:race", "record", LONG);
        const results = await Promise.all(Array.from({ length: 100 }, () => store.take("login:race")));
        expect(results.filter((r) => r !== undefined)).toEqual(["record"]);
      });
    });

    describe("setIfAbsent", () => {
      it("writes an absent key and refuses to overwrite a present one", async () => {
        expect(await store.setIfAbsent("lock:refresh:s", "owner-1", LONG)).toBe(true);
        expect(await store.setIfAbsent("lock:refresh:s", "owner-2", LONG)).toBe(false);
        expect(await store.get("lock:refresh:s")).toBe("owner-1");
      });

      it("lets exactly one of 50 concurrent callers win, and keeps the winner's value", async () => {
        const owners = Array.from({ length: 50 }, (_, i) => `owner-${i}`);
        const won = await Promise.all(owners.map((o) => store.setIfAbsent("lock:refresh:race", o, LONG)));
        const winners = owners.filter((_, i) => won[i]);
        expect(winners).toHaveLength(1);
        expect(await store.get("lock:refresh:race")).toBe(winners[0]);
      });

      it("can be taken again once the lock's TTL has passed", async () => {
        expect(await store.setIfAbsent("lock:refresh:ttl", "first", SHORT)).toBe(true);
        await until(() => store.setIfAbsent("lock:refresh:ttl", "second", LONG), "lock to expire");
        expect(await store.get("lock:refresh:ttl")).toBe("second");
      });
    });

    describe("deleteIfEquals", () => {
      it("deletes the key for the owner holding that value", async () => {
        await store.setIfAbsent("lock:refresh:s", "owner-1", LONG);
        expect(await store.deleteIfEquals("lock:refresh:s", "owner-1")).toBe(true);
        expect(await store.get("lock:refresh:s")).toBeUndefined();
      });

      it("refuses to delete another owner's lock", async () => {
        await store.setIfAbsent("lock:refresh:s", "owner-1", LONG);
        expect(await store.deleteIfEquals("lock:refresh:s", "owner-2")).toBe(false);
        expect(await store.get("lock:refresh:s")).toBe("owner-1");
      });

      it("answers false for a missing key", async () => {
        expect(await store.deleteIfEquals("lock:refresh:none", "owner-1")).toBe(false);
      });

      it("does not release a lock that expired and was taken by someone else", async () => {
        await store.setIfAbsent("lock:refresh:stale", "slow-owner", SHORT);
        await until(() => store.setIfAbsent("lock:refresh:stale", "new-owner", LONG), "lock to expire");
        expect(await store.deleteIfEquals("lock:refresh:stale", "slow-owner")).toBe(false);
        expect(await store.get("lock:refresh:stale")).toBe("new-owner");
      });
    });

    describeGuardedWrites(() => store);

    describe("count", () => {
      it("counts live keys with a prefix and ignores the others", async () => {
        await store.set("sess:1", "a", LONG);
        await store.set("sess:2", "b", LONG);
        await store.set("login:1", "c", LONG);
        expect(await store.count("sess:")).toBe(2);
        expect(await store.count("login:")).toBe(1);
        expect(await store.count("tc:")).toBe(0);
      });

      it("stops counting keys once they expire or are deleted", async () => {
        await store.set("sess:short", "a", SHORT);
        await store.set("sess:deleted", "b", LONG);
        await store.set("sess:kept", "c", LONG);
        await store.delete("sess:deleted");
        await until(async () => (await store.count("sess:")) === 1, "only the kept key to be counted");
      });

      it("treats the prefix literally, not as a glob pattern", async () => {
        await store.set("sess:*x", "literal", LONG);
        await store.set("sess:ax", "other", LONG);
        await store.set("sess:[a]", "bracket", LONG);
        expect(await store.count("sess:*")).toBe(1);
        expect(await store.count("sess:?x")).toBe(0);
        expect(await store.count("sess:[a]")).toBe(1);
      });
    });

    describe("ping and close", () => {
      it("answers ping while open", async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it("can be closed twice", async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
