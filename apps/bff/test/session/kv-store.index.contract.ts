import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { until } from "../helpers/until.js";

const LONG = 60_000;
const SHORT = 150;

/** The expiring sets (`indexPut`/`indexList`/`indexRemove`) every store must offer alike. */
export function describeIndexes(store: () => KeyValueStore): void {
  const list = async (index: string, prefix = "") => (await store().indexList(index, prefix)).sort();

  describe("expiring indexes", () => {
    it("lists what was put, once per member, filtered by prefix", async () => {
      await store().indexPut("u:{x}", "a1", LONG);
      await store().indexPut("u:{x}", "a2", LONG);
      await store().indexPut("u:{x}", "b1", LONG);
      await store().indexPut("u:{x}", "a1", LONG);
      expect(await list("u:{x}")).toEqual(["a1", "a2", "b1"]);
      expect(await list("u:{x}", "a")).toEqual(["a1", "a2"]);
      expect(await list("u:{x}", "a2")).toEqual(["a2"]);
      expect(await list("u:{x}", "c")).toEqual([]);
      expect(await list("u:{other}")).toEqual([]);
    });

    it("removes members by prefix, and removing what is missing is no error", async () => {
      for (const member of ["a1", "a2", "b1", "b2"]) await store().indexPut("u:{x}", member, LONG);
      await store().indexRemove("u:{x}", ["a", "b2", "never"]);
      await store().indexRemove("u:{missing}", ["s1"]);
      await store().indexRemove("u:{x}", []);
      expect(await list("u:{x}")).toEqual(["b1"]);
      await store().indexRemove("u:{x}", ["b1"]);
      expect(await store().keys("u:")).toEqual([]);
    });

    it("expires each member on its own, and the index with its last member", async () => {
      await store().indexPut("u:{x}", "short", SHORT);
      await store().indexPut("u:{x}", "long", SHORT * 4);
      await until(async () => (await list("u:{x}")).length === 1, "short member expired");
      expect(await list("u:{x}")).toEqual(["long"]);
      // Nothing reads the index from here on: it must vanish by itself.
      await until(async () => (await store().count("u:")) === 0, "index gone by itself");
      expect(await store().keys("u:")).toEqual([]);
    });

    it("gives a member put again its new lifetime, even a shorter one", async () => {
      await store().indexPut("u:{x}", "s1", SHORT);
      await store().indexPut("u:{x}", "s1", LONG);
      await store().indexPut("u:{x}", "s2", LONG);
      await store().indexPut("u:{x}", "s2", SHORT);
      await new Promise((resolve) => setTimeout(resolve, SHORT * 3));
      expect(await list("u:{x}")).toEqual(["s1"]);
    });

    it("with extendOnly, never moves a member's expiry closer", async () => {
      await store().indexPut("u:{x}", "s1", LONG, true);
      await store().indexPut("u:{x}", "s1", SHORT, true);
      await store().indexPut("u:{x}", "s2", SHORT, true);
      await store().indexPut("u:{x}", "s2", LONG, true);
      await new Promise((resolve) => setTimeout(resolve, SHORT * 3));
      expect(await list("u:{x}")).toEqual(["s1", "s2"]);
    });

    it("refuses members that could not be stored compactly and alike", async () => {
      for (const bad of ["", "with space", "line\nbreak", "x".repeat(65), "é"]) {
        await expect(store().indexPut("u:{x}", bad, LONG)).rejects.toThrow(RangeError);
      }
      await expect(store().indexPut("u:{x}", "ok", 0)).rejects.toThrow(RangeError);
      expect(await list("u:{x}")).toEqual([]);
    });

    it("lists keys by prefix, an index once", async () => {
      await store().indexPut("u:{x}", "s1", LONG);
      await store().indexPut("u:{x}", "s2", LONG);
      await store().set("u:{y}", "plain", LONG);
      await store().set("other", "plain", LONG);
      expect((await store().keys("u:")).sort()).toEqual(["u:{x}", "u:{y}"]);
      expect(await store().count("u:")).toBe(2);
    });
  });
}
