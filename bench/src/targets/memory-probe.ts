// Heap and RSS of the BFF's memory store holding N idle sessions. Run with --expose-gc.
// Usage: node --expose-gc --import tsx memory-probe.ts '<json: {entries: StoredEntry[], counts: number[]}>'
// Writes N copies of one real session's entries (record + token cache, with fresh random ids per
// copy) through the store's own `set`, exactly as the BFF does, and prints
// {"ready":true, points:[{sessions, heapUsedBytes, rssBytes}]}.
import { randomBytes } from "node:crypto";
import { createMemoryStore } from "../../../apps/bff/src/session/memory-store.js";

interface Entry {
  key: string;
  value: string;
  ttlMs: number;
}
const input = JSON.parse(process.argv[2] ?? "{}") as { entries: Entry[]; counts: number[] };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

// The random ids in the keys (session id, cache partition key) recur in the values: replace them
// consistently so every copy is a distinct session, as real ones are.
const ids = [...new Set(input.entries.flatMap((e) => e.key.match(/[A-Za-z0-9_-]{16,}/g) ?? []))];
const fresh = (length: number) => randomBytes(length).toString("base64url").slice(0, length);

const counts = [...input.counts].sort((a, b) => a - b);
const max = counts.at(-1) ?? 0;
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
    const replacements = ids.map((id) => [id, fresh(id.length)] as const);
    for (const entry of input.entries) {
      let key = entry.key;
      let value = entry.value;
      for (const [from, to] of replacements) {
        key = key.split(from).join(to);
        value = value.split(from).join(to);
      }
      await store.set(key, value, entry.ttlMs);
    }
    created++;
  }
  points.push(measure(created));
}
const live = await store.count("");
console.log(JSON.stringify({ ready: true, points, liveKeys: live }));
await store.close();
