import type { KeyValueStore } from "../session/kv-store.js";
import type { SessionAuth } from "../session/session-data.js";
import { endSessionKeys, sessionKeys } from "../session/session-keys.js";
import type { SessionBroadcast } from "./broadcast.js";
import { digest, indexKeys, userIndexOf } from "./digest.js";

/** One live session of a user, as the index and its record know it. */
export interface IndexedSession {
  id: string;
  /** digest(id): what the API and the event stream name the session by. */
  handle: string;
  createdAt: number;
  lastSeenAt: number;
  browser: string;
  os: string;
}

interface Member {
  id: string;
  createdAt: number;
  browser: string;
  os: string;
  sid: string;
}

export interface SessionIndexOptions {
  kv: KeyValueStore;
  events: SessionBroadcast;
  tombstoneMs: number;
}

/**
 * The per-user index of live sessions, kept beside the session records: a user's sessions
 * (`usess:{user}`, each member expiring with its session) and lookups from the IdP's `sid` and
 * `sub` to the user. Every key has its own hash tag and each command touches one key's slot, so a
 * user's index and sessions live in different slots of a Cluster. Entries are written with the
 * session's own TTL at sign-in and at every touch, so they never outlive it; ending a session
 * removes its entry and announces it to every instance.
 */
export class SessionIndex {
  constructor(private readonly o: SessionIndexOptions) {}

  /** Records a new (or touched) session for `ttlMs`, the TTL its record was written with. */
  async put(id: string, auth: SessionAuth, ttlMs: number): Promise<void> {
    const user = digest(`${auth.user.tid}.${auth.user.oid}`);
    const client = auth.client ?? { browser: "Unknown", os: "Unknown" };
    const value = JSON.stringify([
      auth.createdAt,
      client.browser,
      client.os,
      auth.sid ? digest(auth.sid) : "",
    ]);
    await Promise.all([
      this.o.kv.indexPut(userIndexOf(user), id, value, ttlMs),
      auth.sid ? this.o.kv.set(indexKeys.sid(auth.sid), user, ttlMs) : undefined,
      auth.sub ? this.o.kv.set(indexKeys.sub(auth.sub), user, ttlMs) : undefined,
    ]);
  }

  /** The user's live sessions, newest first; entries whose record is gone are dropped. */
  async list(tid: string, oid: string): Promise<IndexedSession[]> {
    const index = indexKeys.user(tid, oid);
    const members = await this.members(index);
    const records = await Promise.all(members.map((m) => this.o.kv.get(sessionKeys.record(m.id))));
    const sessions: IndexedSession[] = [];
    const stale: string[] = [];
    members.forEach((member, i) => {
      const lastSeenAt = lastSeenOf(records[i]);
      if (lastSeenAt === undefined) stale.push(member.id);
      else sessions.push({ ...member, handle: digest(member.id), lastSeenAt });
    });
    if (stale.length > 0) await this.o.kv.indexRemove(index, stale);
    return sessions.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ends one session everywhere (record, token cache, index entry) and announces it. */
  async end(id: string, user?: { tid: string; oid: string }): Promise<void> {
    await this.endIn(user && indexKeys.user(user.tid, user.oid), id);
  }

  /** After a session's keys are gone: drops its index entry and tells every instance. */
  async forget(id: string, user: { tid: string; oid: string }): Promise<void> {
    await this.o.kv.indexRemove(indexKeys.user(user.tid, user.oid), [id]);
    await this.o.events.publish(digest(id));
  }

  /** Ends every session of a user but `except`; returns how many ended. */
  async endUser(tid: string, oid: string, except?: string): Promise<number> {
    return this.endMembers(indexKeys.user(tid, oid), (m) => m.id !== except);
  }

  /** Ends every session signed in through the IdP's sign-in session `sid` (front/back-channel). */
  async endBySid(sid: string, sub?: string): Promise<number> {
    const user = await this.o.kv.get(indexKeys.sid(sid));
    if (!user || (sub !== undefined && (await this.o.kv.get(indexKeys.sub(sub))) !== user)) return 0;
    const wanted = digest(sid);
    return this.endMembers(userIndexOf(user), (m) => m.sid === wanted);
  }

  /** Ends every session of the IdP subject `sub` (back-channel logout without `sid`). */
  async endBySub(sub: string): Promise<number> {
    const user = await this.o.kv.get(indexKeys.sub(sub));
    return user ? this.endMembers(userIndexOf(user), () => true) : 0;
  }

  /** Ends every session in the store, indexed or not (incident response). */
  async endAll(): Promise<number> {
    let ended = 0;
    for (const index of await this.o.kv.keys(indexKeys.userPrefix)) {
      ended += await this.endMembers(index, () => true);
    }
    // Sessions the index does not know (signed in before it existed).
    for (const key of await this.o.kv.keys("sess:{")) {
      const id = key.slice("sess:{".length, -1);
      await this.end(id);
      ended++;
    }
    return ended;
  }

  private async endMembers(index: string, match: (m: Member) => boolean): Promise<number> {
    const doomed = (await this.members(index)).filter(match);
    await Promise.all(doomed.map((m) => this.endIn(index, m.id)));
    return doomed.length;
  }

  private async endIn(index: string | undefined, id: string): Promise<void> {
    await endSessionKeys(this.o.kv, id, this.o.tombstoneMs);
    if (index) await this.o.kv.indexRemove(index, [id]);
    await this.o.events.publish(digest(id));
  }

  private async members(index: string): Promise<Member[]> {
    const entries = await this.o.kv.indexList(index);
    return entries.flatMap(({ member, value }) => {
      try {
        const [createdAt, browser, os, sid] = JSON.parse(value) as [number, string, string, string];
        return [{ id: member, createdAt, browser, os, sid }];
      } catch {
        return [];
      }
    });
  }
}

function lastSeenOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  try {
    const lastSeenAt = (JSON.parse(raw) as { auth?: SessionAuth }).auth?.lastSeenAt;
    return typeof lastSeenAt === "number" ? lastSeenAt : undefined;
  } catch {
    return undefined;
  }
}
