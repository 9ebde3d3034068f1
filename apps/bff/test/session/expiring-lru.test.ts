import { describe, expect, it } from "vitest";
import { ExpiringLru } from "../../src/session/expiring-lru.js";

/** A map on a clock the test moves. */
function lru(max = 10) {
  const clock = { now: 1_000 };
  return { map: new ExpiringLru(max, () => clock.now), clock };
}

describe("ExpiringLru", () => {
  it("returns values exactly as stored, whatever their characters", () => {
    const { map } = lru();
    const values = ["", "x", "\u0000\u00ff", "Zoë 🚀 日本", "a".repeat(10_000), '{"_v":1}'];
    for (const [i, value] of values.entries()) map.set(`k${i}`, value, 60_000);
    expect(values.map((_, i) => map.get(`k${i}`))).toEqual(values);
  });

  it("keeps each value until its own TTL, to the millisecond, and far-off expiries too", () => {
    const { map, clock } = lru();
    map.set("short", "s", 100);
    map.set("long", "l", 100 * 365 * 24 * 3_600_000);
    clock.now += 99;
    expect(map.get("short")).toBe("s");
    clock.now += 1;
    expect(map.get("short")).toBeUndefined();
    expect(map.has("short")).toBe(false);
    clock.now += 50 * 365 * 24 * 3_600_000;
    expect(map.get("long")).toBe("l");
  });

  it("evicts the least recently used: reads and writes count as use, `has` does not", () => {
    const { map } = lru(3);
    map.set("a", "1", 60_000);
    map.set("b", "2", 60_000);
    map.set("c", "3", 60_000);
    map.get("a");
    expect(map.has("b")).toBe(true);
    map.set("d", "4", 60_000);
    expect([...map.keys()]).toEqual(["c", "a", "d"]);
    map.set("c", "3'", 60_000);
    map.set("e", "5", 60_000);
    expect([...map.keys()]).toEqual(["d", "c", "e"]);
    expect(map.size).toBe(3);
  });

  it("extends a live key without changing its value, and never revives an expired one", () => {
    const { map, clock } = lru();
    map.set("k", "v", 100);
    clock.now += 50;
    expect(map.extend("k", 1_000)).toBe(true);
    clock.now += 500;
    expect(map.get("k")).toBe("v");
    clock.now += 1_000;
    expect(map.extend("k", 1_000)).toBe(false);
    expect(map.get("k")).toBeUndefined();
    expect(map.extend("missing", 1_000)).toBe(false);
  });

  it("purges expired entries without reading them, and lists only live keys", () => {
    const { map, clock } = lru();
    map.set("old", "o", 10);
    map.set("new", "n", 10_000);
    clock.now += 20;
    expect([...map.keys()]).toEqual(["new"]);
    expect(map.size).toBe(2);
    map.purgeStale();
    expect(map.size).toBe(1);
    expect(map.delete("new")).toBe(true);
    expect(map.delete("new")).toBe(false);
  });
});
