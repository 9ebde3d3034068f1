// Heap and RSS of the BFF's memory store holding N idle sessions. Run with --expose-gc.
// Usage: node --expose-gc --import tsx memory-probe.ts '<json: {entries: Entry[], counts: number[]}>'
// Writes N fresh copies of one real session (replay.ts) through the store's own API, exactly as
// the BFF does, and prints {"ready":true, points:[{sessions, heapUsedBytes, rssBytes}]}.
import { createMemoryStore } from "../../../apps/bff/src/session/memory-store.js";
import { type Entry, replayCopy } from "./replay.js";

const input = JSON.parse(process.argv[2] ?? "{}") as { entries: Entry[]; counts: number[] };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const counts = [...input.counts].sort((a, b) => a - b);
const max = counts.at(-1) ?? 0;
// The cap raised so every session fits (the default cap is measured by memory-capacity.ts).
const store = createMemoryStore({ maxEntries: (max + 1) * input.entries.length + 1000 });

function measure(sessions: number) {
  for (let i = 0; i < 3; i++) gc?.();
  const usage = process.memoryUsage();
  return { sessions, heapUsedBytes: usage.heapUsed, rssBytes: usage.rss };
}

const points: Array<ReturnType<typeof measure>> = [];
let created = 0;
for (const target of counts) {
  while (created < target) {
    await replayCopy(store, input.entries);
    created++;
  }
  points.push(measure(created));
}
console.log(JSON.stringify({ ready: true, points }));
await store.close();
