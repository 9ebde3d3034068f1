import type { Redis } from "ioredis";
import type { RedisPrefixRow } from "../report/results.js";

/**
 * One thing the BFF stored for a session, as read back from Redis (without the key prefix), in a
 * form the memory store's own API can replay: a plain key (`set`) or an index member (`indexPut`,
 * which Redis keeps as a sorted set plus a `…:v` hash).
 */
export interface StoredEntry {
  kind: "string" | "index";
  key: string;
  /** For an index entry: the member (the session id). */
  member?: string;
  value: string;
  ttlMs: number;
  /** "session": the session's own keys; "index": the per-user index and IdP lookups beside them. */
  part: "session" | "index";
}

/** Replaces the random part of a key (ids, digests) so keys group by kind: `sess:{*}`. */
export function keyKind(key: string): string {
  return key.replace(/[A-Za-z0-9_-]{16,}/g, "*");
}

/** Every key under `prefix`, prefix included. */
export async function scanAll(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

/** `MEMORY USAGE … SAMPLES 0` (every element counted) of `keys`, grouped by kind, divided by `per`. */
export async function usageByKind(
  redis: Redis,
  prefix: string,
  keys: readonly string[],
  per: number,
): Promise<RedisPrefixRow[]> {
  const totals = new Map<string, { keys: number; bytes: number }>();
  for (const key of keys) {
    const bytes = (await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) as number | null;
    const kind = keyKind(key.slice(prefix.length));
    const row = totals.get(kind) ?? { keys: 0, bytes: 0 };
    row.keys++;
    row.bytes += bytes ?? 0;
    totals.set(kind, row);
  }
  return [...totals]
    .map(([kind, row]) => ({ prefix: kind, keys: row.keys, bytesPerSession: Math.round(row.bytes / per) }))
    .sort((a, b) => b.bytesPerSession - a.bytesPerSession);
}

const ttlOf = (pttl: number) => (pttl > 0 ? pttl : 3_600_000);

/**
 * Everything the BFF stored for session `id`: every plain key naming the id (record, token cache,
 * access tokens…), its member in each index sorted set (with the value from the `…:v` hash), and
 * the plain keys that point at such an index (the IdP `sid`/`sub` lookups hold the user digest
 * the index is named by). Found by content, not by name, so renamed keys are still found.
 */
export async function readSessionEntries(redis: Redis, prefix: string, id: string): Promise<StoredEntry[]> {
  const keys = await scanAll(redis, prefix);
  const types = await Promise.all(keys.map((key) => redis.type(key)));
  const entries: StoredEntry[] = [];
  const indexTags = new Set<string>();
  for (const [i, key] of keys.entries()) {
    const name = key.slice(prefix.length);
    if (types[i] === "string" && name.includes(id)) {
      const value = await redis.get(key);
      if (value !== null) {
        entries.push({
          kind: "string",
          key: name,
          value,
          ttlMs: ttlOf(await redis.pttl(key)),
          part: "session",
        });
      }
    } else if (types[i] === "zset" && (await redis.zscore(key, id)) !== null) {
      const value = (await redis.hget(`${key}:v`, id)) ?? "";
      const ttlMs = ttlOf(await redis.pttl(key));
      entries.push({ kind: "index", key: name, member: id, value, ttlMs, part: "index" });
      const tag = /\{([^}]+)\}/.exec(name)?.[1];
      if (tag) indexTags.add(tag);
    }
  }
  for (const [i, key] of keys.entries()) {
    if (types[i] !== "string" || key.includes(id)) continue;
    const value = await redis.get(key);
    if (value !== null && indexTags.has(value)) {
      entries.push({
        kind: "string",
        key: key.slice(prefix.length),
        value,
        ttlMs: ttlOf(await redis.pttl(key)),
        part: "index",
      });
    }
  }
  if (!entries.some((e) => e.part === "session"))
    throw new Error(`Redis holds no key naming session ${id.slice(0, 6)}…: is the BFF using it?`);
  return entries;
}

/** The Redis keys behind `entries` (an index entry is its sorted set and its `…:v` hash). */
export function redisKeysOf(entries: readonly StoredEntry[], prefix: string): string[] {
  return entries.flatMap((e) =>
    e.kind === "index" ? [`${prefix}${e.key}`, `${prefix}${e.key}:v`] : [`${prefix}${e.key}`],
  );
}

/**
 * The session id behind a `Cookie` header: of the signed values (`<id>.<signature>`, as
 * @fastify/session's cookie holds it; the `…sid` cookie tried first), the one Redis has keys for.
 */
export async function sessionIdOf(redis: Redis, prefix: string, cookieHeader: string): Promise<string> {
  const candidates = cookieHeader
    .split(";")
    .map((pair) => {
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = decodeURIComponent(pair.slice(pair.indexOf("=") + 1).trim());
      return { name, id: /^([A-Za-z0-9_-]{16,})\.[A-Za-z0-9+/_-]+$/.exec(value)?.[1] };
    })
    .sort((a, b) => Number(b.name.endsWith("sid")) - Number(a.name.endsWith("sid")));
  for (const { id } of candidates) {
    if (id && (await scanAll(redis, `${prefix}*${id}`)).length > 0) return id;
  }
  throw new Error("no cookie names a session Redis has keys for: has the session cookie format changed?");
}
