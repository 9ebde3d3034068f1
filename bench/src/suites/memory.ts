import { spawnChild } from "../lib/child.js";
import { targetCommand } from "../lib/paths.js";
import type { MemoryCapacity, MemoryFigures, MemoryProbeFigures, Skipped } from "../report/results.js";
import type { SessionShapes, StoredEntry } from "./redis-memory.js";

export interface MemorySettings {
  /** Session counts of the idle-session probes, e.g. [0, 10 000, 100 000]. */
  counts: number[];
  /** Session counts of the 200-groups probe (bigger sessions: fewer of them suffice). */
  groupsCounts: number[];
  /** Most sessions the capacity probe writes before it gives up looking for the cap. */
  capacityLimit: number;
}

/** `kind prefix: N chars` per entry, e.g. `sess:{*} 598 chars, index usess:{*} 61 chars`. */
function contentsOf(entries: readonly StoredEntry[]): string {
  return entries
    .map((e) => {
      const name = e.key.replace(/[A-Za-z0-9_-]{16,}/g, "*");
      return `${e.kind === "index" ? "index member of " : ""}${name} ${e.value.length} chars`;
    })
    .join(", ");
}

async function runProbe(script: string, input: object, nodeArgs: string[]): Promise<Record<string, unknown>> {
  const cmd = targetCommand(script, nodeArgs);
  const child = await spawnChild({
    name: script,
    command: cmd.command,
    args: [...cmd.args, JSON.stringify(input)],
    ready: "json-line",
    timeoutMs: 600_000,
  });
  await child.stop();
  return child.info;
}

/**
 * Heap and RSS of the memory store holding each of `counts` copies of `entries`, in a fresh
 * `--expose-gc` process after forced GCs; bytes per session is the slope between the smallest
 * and largest count.
 */
async function probe(
  what: string,
  entries: StoredEntry[],
  counts: number[],
  log: (line: string) => void,
): Promise<MemoryProbeFigures> {
  log(`memory store probe (${what}): ${counts.join(" / ")} sessions of ${entries.length} entries each`);
  const info = await runProbe("memory-probe.ts", { entries, counts }, ["--expose-gc"]);
  const points = info.points as MemoryProbeFigures["points"];
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.sessions === first.sessions)
    throw new Error("the probe needs two session counts");
  const n = last.sessions - first.sessions;
  return {
    points,
    heapBytesPerSession: (last.heapUsedBytes - first.heapUsedBytes) / n,
    rssBytesPerSession: (last.rssBytes - first.rssBytes) / n,
    contents: contentsOf(entries),
  };
}

/** A shared access token key, `at:{id}` or `at:{id}:<resource>` (the BFF's REDIS_KEY_PREFIX removed). */
function isAccessToken(key: string): boolean {
  return key.startsWith("at:");
}

async function capacity(entries: StoredEntry[], limit: number, log: (line: string) => void) {
  log(`memory store capacity: sessions the default store holds (up to ${limit.toLocaleString("en")})`);
  const info = await runProbe("memory-capacity.ts", { entries, limit }, ["--max-old-space-size=8192"]);
  return info as unknown as MemoryCapacity;
}

/**
 * What the BFF's memory store costs per idle session: (a) the session's own keys, the record
 * alone, (b) with its per-user index entries, (c) (b) for a user in 200 groups — each replayed
 * from real sessions the Redis BFF of the same run stored — and how many sessions the default
 * store holds before it evicts.
 */
export async function measureMemoryStore(
  shapes: SessionShapes | undefined,
  settings: MemorySettings,
  log: (line: string) => void,
): Promise<MemoryFigures> {
  if (!shapes) throw new Error("no session read back from Redis to replay");
  // Idle: past the access-token window (five touch intervals without a request) a session keeps
  // its record, refresh token and index entries, not its access tokens (`at:`); active: with them.
  const withoutTokens = (entries: StoredEntry[]) => entries.filter((e) => !isAccessToken(e.key));
  const all = withoutTokens(shapes.idle.entries);
  const active = shapes.idle.entries.filter((e) => e.part === "session");
  const own = withoutTokens(active);
  const record = own.filter((e) => e.key.startsWith("sess:"));
  const lastCount = settings.counts.at(-1) ?? 0;
  const figures: MemoryFigures = {
    idle: await probe("idle session", own, settings.counts, log),
    users: { idle: shapes.idle.user, ...(shapes.groups ? { groups: shapes.groups.user } : {}) },
  };
  if (active.length > own.length) figures.active = await probe("active session", active, [0, lastCount], log);
  if (record.length > 0) figures.recordOnly = await probe("record alone", record, [0, lastCount], log);
  if (all.length > own.length)
    figures.withIndex = await probe("with index entries", all, settings.counts, log);
  if (shapes.groups)
    figures.groups = await probe(
      "200 groups",
      withoutTokens(shapes.groups.entries),
      settings.groupsCounts,
      log,
    );
  figures.capacity = await capacity(all, settings.capacityLimit, log).catch(
    (error: unknown): Skipped => ({
      skipped: `failed: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`,
    }),
  );
  return figures;
}
