import { Redis } from "ioredis";
import type { RedisMemoryFigures } from "../report/results.js";

/** Replaces the random part of a key (ids, hashes) so keys group by kind: `entra-bff:sess:*`. */
function keyKind(key: string): string {
  return key.replace(/[A-Za-z0-9_-]{16,}/g, "*").replace(/\.[A-Za-z0-9_-]+$/, "");
}

/**
 * Redis bytes per signed-in session: `MEMORY USAGE … SAMPLES 0` of every key the BFF left
 * after `sessions` sign-ins (session records, token caches — pre-login records are single-use
 * and gone), summed per key kind and divided by the session count.
 */
export async function measureRedisSession(url: string, sessions: number): Promise<RedisMemoryFigures> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // a failing command rejects and is reported there
  try {
    const totals = new Map<string, number>();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const bytes = (await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) as number | null;
        const kind = keyKind(key);
        totals.set(kind, (totals.get(kind) ?? 0) + (bytes ?? 0));
      }
    } while (cursor !== "0");
    if (totals.size === 0) throw new Error("Redis holds no keys after the sign-ins: is the BFF using it?");
    const keys = [...totals].map(([kind, bytes]) => ({ kind, bytes: Math.round(bytes / sessions) }));
    const total = (list: typeof keys) => list.reduce((sum, k) => sum + k.bytes, 0);
    const idle = keys.filter((k) => !/(^|:)at:/.test(k.kind));
    return { keys, bytesPerSession: total(keys), idleBytesPerSession: total(idle) };
  } finally {
    redis.disconnect();
  }
}

/** One stored key of a real signed-in session, as the BFF wrote it (without the Redis prefix). */
export interface StoredEntry {
  key: string;
  value: string;
  ttlMs: number;
}

/**
 * Reads everything the BFF stored for one signed-in session — the smallest record (`sess:<id>`) and every
 * key whose random id that record mentions (the MSAL token cache) — so the memory-store probe
 * can replay realistic records instead of invented ones.
 */
export async function readOneSession(url: string, keyPrefix: string): Promise<StoredEntry[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // a failing command rejects and is reported there
  try {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    // The signed-in users rotate; one of them is in 250 groups. Measure the smallest record: a user
    // without groups, as the target is stated.
    let sessionKey: string | undefined;
    let record = "";
    for (const key of keys.filter((k) => k.startsWith(`${keyPrefix}sess:`))) {
      const value = (await redis.get(key)) ?? "";
      if (sessionKey === undefined || value.length < record.length) [sessionKey, record] = [key, value];
    }
    if (!sessionKey)
      throw new Error(`no ${keyPrefix}sess:* key in Redis: has the session key naming changed?`);
    const ids = record.match(/[A-Za-z0-9_-]{16,}/g) ?? [];
    const related = keys.filter((k) => k !== sessionKey && ids.some((id) => k.includes(id)));
    const entries: StoredEntry[] = [];
    for (const key of [sessionKey, ...related]) {
      const value = await redis.get(key);
      const ttlMs = await redis.pttl(key);
      if (value !== null)
        entries.push({ key: key.slice(keyPrefix.length), value, ttlMs: ttlMs > 0 ? ttlMs : 3_600_000 });
    }
    return entries;
  } finally {
    redis.disconnect();
  }
}
