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

/** ZRANGE … WITHSCORES' flat reply as [member, score] pairs. */
function pairs(flat: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, Number(flat[i + 1])]);
  return out;
}

/** An index member; its score is its expiry (epoch ms). */
function indexEntry(key: string, member: string, expiresAt: number): StoredEntry {
  return { kind: "index", key, member, value: "", ttlMs: Math.max(1, expiresAt - Date.now()), part: "index" };
}

/**
 * Everything the BFF stored for session `id`: every plain key naming the id (record, token cache,
 * access tokens…), its member in its user's index bucket and its sign-in's member in a sid
 * bucket. Found by content, not by name, so renamed keys are still found.
 */
export async function readSessionEntries(redis: Redis, prefix: string, id: string): Promise<StoredEntry[]> {
  const keys = await scanAll(redis, prefix);
  const types = await Promise.all(keys.map((key) => redis.type(key)));
  const entries: StoredEntry[] = [];
  const userTags = new Set<string>();
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
    } else if (types[i] === "zset") {
      // The session index (apps/bff/src/user-sessions/index-layout.ts): the session's member in its
      // user's bucket (`userTag · id · subTag`), scored with its expiry.
      for (const [member, score] of pairs(await redis.zrange(key, 0, -1, "WITHSCORES"))) {
        if (!member.includes(id)) continue;
        entries.push(indexEntry(name, member, score));
        userTags.add(member.slice(0, member.indexOf(id)));
      }
    }
  }
  // Its sign-in's member in a sid bucket (`sidTag · userTag`).
  for (const [i, key] of keys.entries()) {
    if (types[i] !== "zset") continue;
    for (const [member, score] of pairs(await redis.zrange(key, 0, -1, "WITHSCORES"))) {
      if (member.includes(id) || ![...userTags].some((tag) => tag && member.endsWith(tag))) continue;
      entries.push(indexEntry(key.slice(prefix.length), member, score));
    }
  }
  if (!entries.some((e) => e.part === "session"))
    throw new Error(`Redis holds no key naming session ${id.slice(0, 6)}…: is the BFF using it?`);
  return entries;
}

/** The Redis keys behind `entries` (an index entry is its bucket, a sorted set). */
export function redisKeysOf(entries: readonly StoredEntry[], prefix: string): string[] {
  return entries.flatMap((e) => [`${prefix}${e.key}`]);
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
