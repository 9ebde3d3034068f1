// Replays one real session (as read back from Redis) into a KeyValueStore through the store's own
// API, as the BFF writes it: plain keys with `set`, index members with `indexPut`.
import { randomBytes } from "node:crypto";
import type { KeyValueStore } from "../../../apps/bff/src/session/kv-store.js";
import { SID_BUCKETS, sidBucket, userBucket } from "../../../apps/bff/src/user-sessions/index-layout.js";

export interface Entry {
  kind: "string" | "index";
  key: string;
  member?: string;
  value: string;
  ttlMs: number;
}

// Every id-, token- or hash-like run (session id, cache partition key, user digest, JWTs, refresh
// token) is replaced by fresh random characters of the same length, consistently across a copy's
// keys and values: each copy is then a distinct session of a distinct user, as real ones are, and
// V8 cannot share strings between copies.
const TOKENISH = /[A-Za-z0-9_-]{16,}/g;
const fresh = (length: number) =>
  randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString("base64url")
    .slice(0, length);

export function copyOf(entries: readonly Entry[]): Entry[] {
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
  return entries.map((e) => ({
    ...e,
    key: swap(e.key),
    value: swap(e.value),
    ...(e.member === undefined ? {} : { member: swap(e.member) }),
  }));
}

/** Writes one fresh copy of `entries` into `store`. */
export async function replayCopy(store: KeyValueStore, entries: readonly Entry[]): Promise<void> {
  for (const entry of copyOf(entries)) {
    if (entry.kind === "index") {
      // The copy's bucket follows from its (fresh) leading tag, as the BFF would pick it.
      const member = entry.member ?? "";
      const bucket = entry.key.startsWith(SID_BUCKETS) ? sidBucket(member) : userBucket(member);
      await store.indexPut(bucket, member, entry.ttlMs);
    } else await store.set(entry.key, entry.value, entry.ttlMs);
  }
}
