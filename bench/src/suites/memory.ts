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
  log(`memory store probe: ${counts.join(" / ")} sessions of ${entries.length} key(s) each`);
  const cmd = targetCommand("memory-probe.ts", ["--expose-gc"]);
  const child = await spawnChild({
    name: "memory probe",
    command: cmd.command,
    args: [...cmd.args, JSON.stringify({ entries, counts })],
    ready: "json-line",
    timeoutMs: 300_000,
  });
  await child.stop();
  const points = child.info.points as MemoryFigures["points"];
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.sessions === first.sessions)
    throw new Error("the probe needs two session counts");
  const n = last.sessions - first.sessions;
  const keyBytes = entries.map((e) => `${e.key.split(":")[0]}: ${e.value.length} chars`).join(", ");
  return {
    points,
    heapBytesPerSession: (last.heapUsedBytes - first.heapUsedBytes) / n,
    rssBytesPerSession: (last.rssBytes - first.rssBytes) / n,
    note: `One idle session = what the BFF stores for one signed-in user (${keyBytes}), written through the memory store's own set().`,
  };
}
