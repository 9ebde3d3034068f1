import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStore, type MemoryKeyValueStore } from "../../src/session/memory-store.js";
import { until } from "../helpers/until.js";
import { describeKeyValueStoreContract } from "./kv-store.contract.js";

describeKeyValueStoreContract("memory", () => createMemoryStore());

describe("createMemoryStore", () => {
  let store: MemoryKeyValueStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("evicts the least recently used key when maxEntries is reached", async () => {
    store = createMemoryStore({ maxEntries: 3 });
    await store.set("sess:a", "a", 60_000);
    await store.set("sess:b", "b", 60_000);
    await store.set("sess:c", "c", 60_000);
    await store.get("sess:a"); // a is now more recent than b
    await store.set("sess:d", "d", 60_000);
    expect(await store.get("sess:b")).toBeUndefined();
    expect(await store.get("sess:a")).toBe("a");
    expect(await store.get("sess:c")).toBe("c");
    expect(await store.get("sess:d")).toBe("d");
    expect(store.size).toBe(3);
  });

  it("sweeps expired entries out of memory without anyone reading them", async () => {
    store = createMemoryStore({ sweepIntervalMs: 20 });
    for (let i = 0; i < 5; i++) await store.set(`sess:${i}`, "x".repeat(1024), 30);
    await store.set("sess:kept", "k", 60_000);
    expect(store.size).toBe(6);
    const swept = store;
    await until(() => swept.size === 1, "the sweep to drop the 5 expired entries");
  });

  it("keeps expired entries until read when no sweep has run (the sweep is what frees them)", async () => {
    store = createMemoryStore({ sweepIntervalMs: 3_600_000 });
    await store.set("sess:short", "v", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.size).toBe(1);
    expect(await store.get("sess:short")).toBeUndefined();
  });

  it.each([
    [{ maxEntries: 0 }, /maxEntries/],
    [{ maxEntries: 1.5 }, /maxEntries/],
    [{ sweepIntervalMs: 0 }, /sweepIntervalMs/],
  ])("rejects the bad option %j with a clear error", (options, message) => {
    expect(() => createMemoryStore(options)).toThrow(message);
  });
});
