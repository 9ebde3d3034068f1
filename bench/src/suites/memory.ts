import { spawnChild } from "../lib/child.js";
import { targetCommand } from "../lib/paths.js";
import type { MemoryFigures } from "../report/results.js";
import type { StoredEntry } from "./redis-memory.js";

/**
 * Heap and RSS of the BFF's memory store with each of `counts` idle sessions, measured in a
 * fresh `--expose-gc` process after forced GCs; bytes per session is the slope between the
 * smallest and largest count. `entries` is one real session as the BFF stored it (read from
 * the Redis instance of the same run), replayed with fresh ids.
 */
export async function measureMemoryStore(
  entries: StoredEntry[],
  counts: number[],
  log: (line: string) => void,
): Promise<MemoryFigures> {
  if (entries.length === 0) throw new Error("no session entries to replay");
  // Idle: no request for five touch intervals, so the session's access tokens (`at:`) have gone
  // (apps/bff/src/session/shared-token-window.ts); active: as read right after the sign-ins.
  const idleEntries = entries.filter((e) => !e.key.startsWith("at:"));
  const idle = await probe(idleEntries, counts, log);
  const active = idleEntries.length < entries.length ? await probe(entries, counts, log) : undefined;
  // The record alone (no token cache, no shared access token): what a session costs before tokens.
  const records = entries.filter((e) => e.key.startsWith("sess:"));
  const recordOnly = records.length > 0 ? await probe(records, counts, log) : undefined;
  const keyBytes = entries.map((e) => `${e.key.split(":")[0]}: ${e.value.length} chars`).join(", ");
  return {
    ...idle,
    ...(active ? { activeHeapBytesPerSession: active.heapBytesPerSession } : {}),
    ...(recordOnly ? { recordOnlyHeapBytesPerSession: recordOnly.heapBytesPerSession } : {}),
    keysPerSession: idleEntries.length,
    note:
      `One signed-in session = what the BFF stores for one user (${keyBytes}), written through the memory store's own set(); ` +
      "an idle one (no request for five touch intervals, 5 min by default) has let its access token (at:) go. " +
      `The BFF's default memory store holds ${DEFAULT_MAX_ENTRIES.toLocaleString("en")} keys, i.e. about ${Math.floor(DEFAULT_MAX_ENTRIES / entries.length).toLocaleString("en")} active signed-in sessions before LRU eviction; ` +
      "the token service's in-process hot-token LRU (sessions active in the last five touch intervals only) is not included.",
  };
}

/** `createMemoryStore()`'s default bound (apps/bff/src/session/memory-store.ts). */
const DEFAULT_MAX_ENTRIES = 400_000;

async function probe(entries: StoredEntry[], counts: number[], log: (line: string) => void) {
  log(`memory store probe: ${counts.join(" / ")} sessions of ${entries.length} key(s) each`);
  const cmd = targetCommand("memory-probe.ts", ["--expose-gc"]);
  const child = await spawnChild({
    name: "memory probe",
    command: cmd.command,
    args: [...cmd.args, JSON.stringify({ entries, counts })],
    ready: "json-line",
    timeoutMs: 600_000,
  });
  await child.stop();
  const points = child.info.points as MemoryFigures["points"];
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.sessions === first.sessions)
    throw new Error("the probe needs two session counts");
  const n = last.sessions - first.sessions;
  return {
    points,
    heapBytesPerSession: (last.heapUsedBytes - first.heapUsedBytes) / n,
    rssBytesPerSession: (last.rssBytes - first.rssBytes) / n,
  };
}
