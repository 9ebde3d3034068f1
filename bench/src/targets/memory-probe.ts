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

// Every id-, token- or hash-like run (session id, cache partition key, JWTs, refresh token) is
// replaced by fresh random characters of the same length, consistently across a copy's keys and
// values: each copy is then a distinct session, as real ones are, and V8 cannot share strings.
const TOKENISH = /[A-Za-z0-9_-]{16,}/g;
const fresh = (length: number) =>
  randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString("base64url")
    .slice(0, length);

function copyOf(entries: Entry[]): Entry[] {
  const replacements = new Map<string, string>();
  const swap = (text: string) =>
    text.replace(TOKENISH, (run) => {
      let to = replacements.get(run);
      if (to === undefined) {
        to = fresh(run.length);
        replacements.set(run, to);
      }
      return to;
    });
  return entries.map((e) => ({ key: swap(e.key), value: swap(e.value), ttlMs: e.ttlMs }));
}

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
    for (const entry of copyOf(input.entries)) await store.set(entry.key, entry.value, entry.ttlMs);
    created++;
  }
  points.push(measure(created));
}
const live = await store.count("");
console.log(JSON.stringify({ ready: true, points, liveKeys: live }));
await store.close();
