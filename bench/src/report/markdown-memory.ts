import type { BenchResults, MemoryProbeFigures, RedisMemoryFigures } from "./results.js";
import { measured } from "./results.js";
import { kb, mb, skippedText, table } from "./table.js";

function probeRow(label: string, probe: MemoryProbeFigures | undefined): string[][] {
  if (!probe) return [];
  const points = probe.points
    .map((p) => `${p.sessions.toLocaleString("en")}: ${mb(p.heapUsedBytes)}`)
    .join(", ");
  return [[label, kb(probe.heapBytesPerSession), kb(probe.rssBytesPerSession), points]];
}

function redisTable(redis: RedisMemoryFigures): string {
  const groups = new Map(
    (redis.groupsSession?.byPrefix ?? []).map((row) => [row.prefix, row.bytesPerSession]),
  );
  const prefixes = [...new Set([...redis.byPrefix.map((r) => r.prefix), ...groups.keys()])];
  const rows = prefixes.map((prefix) => {
    const row = redis.byPrefix.find((r) => r.prefix === prefix);
    const perSession = row ? `${row.bytesPerSession} B` : "–";
    return [
      prefix,
      row ? String(row.keys) : "–",
      perSession,
      groups.has(prefix) ? `${groups.get(prefix)} B` : "–",
    ];
  });
  rows.push([
    "**total**",
    String(redis.byPrefix.reduce((n, r) => n + r.keys, 0)),
    `**${kb(redis.bytesPerSession)}**`,
    redis.groupsSession ? `**${kb(redis.groupsSession.bytes)}**` : "–",
  ]);
  return table(
    [
      "Redis key (ids as *)",
      "keys",
      `bytes per session (all keys ÷ ${redis.sessions} sessions)`,
      "one session in 200 groups",
    ],
    rows,
  );
}

/** The memory-store probes, the default store's capacity, and Redis bytes by key prefix. */
export function renderMemory(results: BenchResults): string[] {
  const out: string[] = [];
  const memory = results.memory.memoryStore;
  const mem = measured(memory);
  if (mem) {
    out.push(
      table(
        ["memory store, per idle session (heap after forced GC)", "heap", "RSS", "heap at N sessions"],
        [
          ...probeRow(`(a) what the session stores (${mem.users.idle}, no groups)`, mem.idle),
          ...probeRow("a session in use: (a) + its access token", mem.active),
          ...probeRow("the session record alone", mem.recordOnly),
          ...probeRow("(b) (a) + its per-user index entries", mem.withIndex),
          ...probeRow(`(c) (b) for a user in 200 groups (${mem.users.groups ?? "–"})`, mem.groups),
        ],
      ),
    );
    out.push("");
    out.push(`(a) holds ${mem.idle.contents}.`);
    if (mem.withIndex) out.push(`(b) holds ${mem.withIndex.contents}.`);
    if (mem.groups) out.push(`(c) holds ${mem.groups.contents}.`);
    out.push(
      "Each copy gets fresh random ids, tokens and user digests (a distinct session of a distinct user), written through the memory store's own `set`/`indexPut`; in-process caches outside the store (hot-token LRU, signature memo, parsed-session cache: recently active sessions only) are not included.",
    );
    const cap = measured(mem.capacity);
    if (cap) {
      const held = cap.reachedProbeLimit
        ? `more than ${cap.sessions?.toLocaleString("en")} sessions (the probe's limit)`
        : `${cap.sessions?.toLocaleString("en")} sessions like (b) (${cap.keys?.toLocaleString("en")} keys, ${cap.keysPerSession} per session) before it evicts the least recently used`;
      const defaultKeys = cap.setting?.defaultKeys;
      const how = cap.setting
        ? `raise \`${cap.setting.name}\` (${cap.setting.description}${defaultKeys ? `; default ${defaultKeys.toLocaleString("en")} keys` : ""}) to hold more`
        : "apps/bff/src/config*.ts has no setting for it: the cap is `createMemoryStore()`'s default, fixed in code (app.ts)";
      out.push(`The BFF's default memory store holds ${held}; ${how}.`);
    } else if (mem.capacity) out.push(`Memory store capacity: ${skippedText(mem.capacity)}.`);
    out.push("");
  } else if (memory) {
    out.push(`Memory store: ${skippedText(memory)}`, "");
  }
  const redis = measured(results.memory.redisStore);
  if (redis) out.push(redisTable(redis), "");
  else if (results.memory.redisStore) out.push(`Redis store: ${skippedText(results.memory.redisStore)}`, "");
  return out;
}
