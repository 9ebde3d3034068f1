// How many sessions the BFF's memory store holds with its default bound before it evicts (LRU),
// and which setting (if any) raises that bound (memory-setting.ts).
// Usage: node --import tsx memory-capacity.ts '<json: {entries: Entry[], limit: number}>'
// Replays fresh copies of one real session (replay.ts) into `createMemoryStore()` as app.ts
// creates it, until the store holds fewer keys than it was given; prints
// {"ready":true, sessions, keys, keysPerSession, reachedProbeLimit, setting?}.
import type { KeyValueStore } from "../../../apps/bff/src/session/kv-store.js";
import { createMemoryStore } from "../../../apps/bff/src/session/memory-store.js";
import { memoryStoreSetting } from "./memory-setting.js";
import { type Entry, replayCopy } from "./replay.js";

const input = JSON.parse(process.argv[2] ?? "{}") as { entries: Entry[]; limit: number };

const setting = memoryStoreSetting();

// Typed loosely on purpose: `size` (the memory store's own O(1) key count) may go away; without
// it, count("") scans every key, so the loop checks less often.
// As app.ts creates it: the setting's default when there is one, else the store's own default.
const store: KeyValueStore & { size?: unknown } = createMemoryStore(
  setting?.defaultKeys ? { maxEntries: setting.defaultKeys } : {},
);
const hasSize = typeof store.size === "number";
const held = async () => (hasSize ? (store.size as number) : store.count(""));

let sessions = 0;
let keysPerSession = 0;
let keys = 0;
let evicted = false;
while (sessions < input.limit) {
  await replayCopy(store, input.entries);
  sessions++;
  if (sessions > 1 && !hasSize && sessions % 500 !== 0) continue;
  keys = await held();
  if (sessions === 1) keysPerSession = keys;
  if (keys < sessions * keysPerSession) {
    evicted = true;
    break;
  }
}
const fit = evicted && keysPerSession > 0 ? Math.floor(keys / keysPerSession) : sessions;
console.log(
  JSON.stringify({
    ready: true,
    sessions: fit,
    keys,
    keysPerSession,
    reachedProbeLimit: !evicted,
    ...(setting ? { setting } : {}),
  }),
);
await store.close();
