import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { until } from "../helpers/until.js";

const LONG = 60_000;
const SHORT = 150;

/** The expiring sets (`indexPut`/`indexList`/`indexRemove`) every store must offer alike. */
export function describeIndexes(store: () => KeyValueStore): void {
  const sorted = (entries: Array<{ member: string; value: string }>) =>
    [...entries].sort((a, b) => a.member.localeCompare(b.member));

  describe("expiring indexes", () => {
    it("lists what was put, with the latest value of each member", async () => {
      await store().indexPut("u:{x}", "s1", "one", LONG);
      await store().indexPut("u:{x}", "s2", "two", LONG);
      await store().indexPut("u:{x}", "s1", "uno", LONG);
      expect(sorted(await store().indexList("u:{x}"))).toEqual([
        { member: "s1", value: "uno" },
        { member: "s2", value: "two" },
      ]);
      expect(await store().indexList("u:{other}")).toEqual([]);
    });

    it("forgets removed members and removing what is missing is no error", async () => {
      await store().indexPut("u:{x}", "s1", "one", LONG);
      await store().indexPut("u:{x}", "s2", "two", LONG);
      await store().indexRemove("u:{x}", ["s1", "never"]);
      await store().indexRemove("u:{missing}", ["s1"]);
      expect(await store().indexList("u:{x}")).toEqual([{ member: "s2", value: "two" }]);
    });

    it("expires each member on its own, and the index with its last member", async () => {
      await store().indexPut("u:{x}", "short", "a", SHORT);
      await store().indexPut("u:{x}", "long", "b", SHORT * 4);
      await until(async () => (await store().indexList("u:{x}")).length === 1, "short member expired");
      expect(await store().indexList("u:{x}")).toEqual([{ member: "long", value: "b" }]);
      // Nothing reads the index from here on: it must vanish by itself.
      await until(async () => (await store().count("u:")) === 0, "index gone by itself");
      expect(await store().keys("u:")).toEqual([]);
    });

    it("gives a member put again its new lifetime", async () => {
      await store().indexPut("u:{x}", "s1", "a", SHORT);
      await store().indexPut("u:{x}", "s1", "a", LONG);
      await new Promise((resolve) => setTimeout(resolve, SHORT * 3));
      expect(await store().indexList("u:{x}")).toEqual([{ member: "s1", value: "a" }]);
    });

    it("lists keys by prefix, an index once", async () => {
      await store().indexPut("u:{x}", "s1", "a", LONG);
      await store().set("u:{y}", "plain", LONG);
      await store().set("other", "plain", LONG);
      expect((await store().keys("u:")).sort()).toEqual(["u:{x}", "u:{y}"]);
      expect(await store().count("u:")).toBe(2);
    });
  });
}
