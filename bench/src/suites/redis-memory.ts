import { Redis } from "ioredis";
import { request } from "undici";
import { signInSession } from "../lib/bff-process.js";
import type { EmulatorProcess } from "../lib/emulator-process.js";
import type { RedisMemoryFigures } from "../report/results.js";
import { type HttpRig, REDIS_KEY_PREFIX, type SignedInBff } from "./http-rig.js";
import {
  readSessionEntries,
  redisKeysOf,
  type StoredEntry,
  scanAll,
  sessionIdOf,
  usageByKind,
} from "./redis-keys.js";

export type { StoredEntry } from "./redis-keys.js";

/** One real session as the BFF stored it, and whose it is. */
export interface SessionShape {
  user: string;
  entries: StoredEntry[];
}

/** The sessions the memory-store probe replays: a user without groups, and one in 200 groups. */
export interface SessionShapes {
  idle: SessionShape;
  groups?: SessionShape;
}

/**
 * Signs `user` in on the Redis BFF and loads the SPA's first call (`/api/me`), so the session
 * holds what an idle signed-in user's does; resolves its session id.
 */
async function signInIdle(
  bff: SignedInBff,
  emulator: EmulatorProcess,
  redis: Redis,
  user: string,
): Promise<string> {
  const cookie = await signInSession(bff.url, emulator, user);
  const me = await request(`${bff.url}/api/me`, { headers: { cookie, "x-csrf": "1" } });
  await me.body.dump();
  if (me.statusCode !== 200) throw new Error(`GET /api/me as ${user} answered ${me.statusCode}`);
  return sessionIdOf(redis, REDIS_KEY_PREFIX, cookie);
}

/**
 * Redis bytes per signed-in session — `MEMORY USAGE` of every key the Redis BFF left under its
 * prefix (records, token caches, access tokens, per-user indexes, IdP lookups, tombstones),
 * grouped by prefix and divided by the sessions signed in — and the entries of two real sessions
 * for the memory-store probe: a user without groups, and the emulator's 200-groups user (whose
 * keys are measured on their own, so they do not skew the per-session average).
 */
export async function measureRedisMemory(
  rig: HttpRig,
  bff: SignedInBff,
  redisUrl: string,
  loadSessions: number,
  log: (line: string) => void,
): Promise<{ figures: RedisMemoryFigures; shapes: SessionShapes }> {
  const emulator = await rig.emulator();
  const { idle: noGroups, groups: inGroups } = emulator.info.benchUsers;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // a failing command rejects and is reported there
  try {
    log(`reading what the Redis BFF stored: ${loadSessions + 1} sessions, then one in 200 groups`);
    const idleId = await signInIdle(bff, emulator, redis, noGroups);
    const sessions = loadSessions + 1;
    const byPrefix = await usageByKind(
      redis,
      REDIS_KEY_PREFIX,
      await scanAll(redis, REDIS_KEY_PREFIX),
      sessions,
    );
    const idle = { user: noGroups, entries: await readSessionEntries(redis, REDIS_KEY_PREFIX, idleId) };

    const groupsId = await signInIdle(bff, emulator, redis, inGroups);
    const groupsEntries = await readSessionEntries(redis, REDIS_KEY_PREFIX, groupsId);
    const groupsRows = await usageByKind(
      redis,
      REDIS_KEY_PREFIX,
      redisKeysOf(groupsEntries, REDIS_KEY_PREFIX),
      1,
    );
    const sum = (rows: typeof byPrefix) => rows.reduce((total, row) => total + row.bytesPerSession, 0);
    return {
      figures: {
        sessions,
        byPrefix,
        bytesPerSession: sum(byPrefix),
        groupsSession: { byPrefix: groupsRows, bytes: sum(groupsRows) },
      },
      shapes: { idle, groups: { user: inGroups, entries: groupsEntries } },
    };
  } finally {
    redis.disconnect();
  }
}
