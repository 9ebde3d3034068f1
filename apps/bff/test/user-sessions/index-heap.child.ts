// Run as `node --expose-gc --import tsx index-heap.child.ts <users> <perUser>`: prints the heap the
// memory store's session index holds per session, as JSON. A process of its own, for a clean heap.
import { createMemoryStore } from "../../src/session/memory-store.js";
import { SessionIndex } from "../../src/user-sessions/session-index.js";
import { fakeSessions, silentBroadcast } from "./index-sessions.js";

const exposed = (globalThis as { gc?: () => void }).gc;
if (!exposed) throw new Error("run with --expose-gc");
const gc: () => void = exposed;
const [users, perUser] = process.argv.slice(2).map(Number) as [number, number];
const TTL = 3_600_000;

/** A store and its index; the store's own tables (the LRU preallocates) exist before any put. */
function emptyIndex() {
  const store = createMemoryStore({ sweepIntervalMs: TTL });
  return { store, index: new SessionIndex({ kv: store, events: silentBroadcast, tombstoneMs: 1 }) };
}

async function fill(index: SessionIndex, sessions: ReturnType<typeof fakeSessions>) {
  for (const { id, auth } of sessions) await index.put(id, auth, TTL);
}

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const sessions = fakeSessions(users, perUser);
// A first fill of a throwaway store, so compiled code and whatever V8 settles in the sessions'
// own objects on first use is not counted as the index's.
const warm = emptyIndex();
await fill(warm.index, sessions);
await warm.store.close();
const { store, index } = emptyIndex();
const before = heapUsed();
await fill(index, sessions);
const after = heapUsed();
process.stdout.write(JSON.stringify({ bytesPerSession: (after - before) / sessions.length }));
await store.close();
