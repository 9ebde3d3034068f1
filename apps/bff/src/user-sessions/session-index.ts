import type { Session } from "fastify";
import type { KeyValueStore } from "../session/kv-store.js";
import { readRecord } from "../session/record-format.js";
import type { SessionAuth } from "../session/session-data.js";
import { endSessionKeys, SESSION_KEY_PREFIX, sessionKeys } from "../session/session-keys.js";
import type { SessionBroadcast } from "./broadcast.js";
import { digest } from "./digest.js";
import {
  allUserBuckets,
  parseSessionMember,
  type SessionEntry,
  sessionMember,
  sessionPrefix,
  sidBucket,
  sidMember,
  sidTag,
  subTag,
  USER_BUCKETS,
  userBucket,
  userOfSidMember,
  userTag,
} from "./index-layout.js";

/** One live session of a user, as its record knows it. */
export interface IndexedSession {
  id: string;
  /** digest(id): what the API and the event stream name the session by. */
  handle: string;
  createdAt: number;
  lastSeenAt: number;
  browser: string;
  os: string;
}

export interface SessionIndexOptions {
  kv: KeyValueStore;
  events: SessionBroadcast;
  tombstoneMs: number;
}

/** A session the index named, with the record that proves it is live and whose it is. */
interface Found extends SessionEntry {
  auth: SessionAuth;
}

/** Concurrent store calls of a scan over every bucket. */
const SCAN_BATCH = 64;

/**
 * The per-user index of live sessions, kept beside the session records (layout and budget:
 * index-layout.ts). It only says where to look: created, last seen, client, sid and sub are read
 * from the records, so an entry whose record is gone is dropped, and one that a shared tag
 * misattributes is ignored. Entries are written with the session's own TTL at sign-in and at every
 * touch, so they never outlive it; ending a session removes its entry and announces it to every
 * instance.
 */
export class SessionIndex {
  constructor(private readonly o: SessionIndexOptions) {}

  /**
   * Records a new (or touched) session for `ttlMs`, the TTL its record was written with: two
   * single-bucket writes sent together. The sid entry only ever moves later, so a session near its
   * absolute end never shortens it for a younger one of the same sign-in.
   */
  async put(id: string, auth: SessionAuth, ttlMs: number): Promise<void> {
    const user = userTag(auth.user.tid, auth.user.oid);
    const sid = auth.sid && sidTag(auth.sid);
    await Promise.all([
      this.o.kv.indexPut(userBucket(user), sessionMember(user, id, subTag(auth.sub)), ttlMs),
      sid ? this.o.kv.indexPut(sidBucket(sid), sidMember(sid, user), ttlMs, true) : undefined,
    ]);
  }

  /** The user's live sessions, newest first. */
  async list(tid: string, oid: string): Promise<IndexedSession[]> {
    const sessions = await this.sessionsOf(userTag(tid, oid), (auth) => isUser(auth, tid, oid));
    return sessions
      .map(({ id, auth }) => ({
        id,
        handle: digest(id),
        createdAt: auth.createdAt,
        lastSeenAt: auth.lastSeenAt,
        browser: auth.client?.browser ?? "Unknown",
        os: auth.client?.os ?? "Unknown",
      }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ends one session everywhere (record, token cache, index entry) and announces it. */
  async end(id: string, user?: { tid: string; oid: string }): Promise<void> {
    await this.endOne(id, user && userTag(user.tid, user.oid));
  }

  /** After a session's keys are gone: drops its index entry and tells every instance. */
  async forget(id: string, user: { tid: string; oid: string }): Promise<void> {
    const tag = userTag(user.tid, user.oid);
    await this.o.kv.indexRemove(userBucket(tag), [sessionPrefix(tag, id)]);
    await this.o.events.publish(digest(id));
  }

  /** Ends every session of a user but `except`; returns how many ended. */
  async endUser(tid: string, oid: string, except?: string): Promise<number> {
    const sessions = await this.sessionsOf(userTag(tid, oid), (auth) => isUser(auth, tid, oid));
    return this.endFound(sessions.filter((s) => s.id !== except));
  }

  /** Ends every session signed in through the IdP's sign-in session `sid` (front/back-channel). */
  async endBySid(sid: string, sub?: string): Promise<number> {
    const tag = sidTag(sid);
    const users = (await this.o.kv.indexList(sidBucket(tag), tag)).map(userOfSidMember);
    let ended = 0;
    for (const user of users) {
      const withSid = await this.sessionsOf(user, (auth) => auth.sid === sid);
      const matching = withSid.filter((s) => sub === undefined || s.auth.sub === sub);
      ended += await this.endFound(matching);
      // The sign-in is over for this user: its entry goes too, unless a session of it lives on.
      if (matching.length === withSid.length) {
        await this.o.kv.indexRemove(sidBucket(tag), [sidMember(tag, user)]);
      }
    }
    return ended;
  }

  /**
   * Ends every session of the IdP subject `sub` (back-channel logout without `sid`). The index
   * keeps no lookup by `sub` (it would cost a third write at every touch): this reads every user
   * bucket, which only a logout token signed by the configured IdP can ask for.
   */
  async endBySub(sub: string): Promise<number> {
    const wanted = subTag(sub);
    const buckets = allUserBuckets();
    let ended = 0;
    for (let i = 0; i < buckets.length; i += SCAN_BATCH) {
      const lists = await Promise.all(
        buckets.slice(i, i + SCAN_BATCH).map((bucket) => this.o.kv.indexList(bucket, "")),
      );
      const entries = lists.flat().map(parseSessionMember);
      const candidates = entries.filter((entry) => entry.sub === wanted);
      const found = await this.withRecords(candidates, (auth) => auth.sub === sub);
      ended += await this.endFound(found);
    }
    return ended;
  }

  /** Ends every session in the store, indexed or not (incident response). */
  async endAll(): Promise<number> {
    const indexed = new Map<string, SessionEntry>();
    for (const bucket of await this.o.kv.keys(USER_BUCKETS)) {
      for (const member of await this.o.kv.indexList(bucket, "")) {
        const entry = parseSessionMember(member);
        indexed.set(entry.id, entry);
      }
    }
    // The records are what is live; index entries without one only need cleaning up.
    const ids = new Set((await this.o.kv.keys(`${SESSION_KEY_PREFIX}{`)).map((key) => key.slice(6, -1)));
    for (const id of new Set([...ids, ...indexed.keys()])) {
      await this.endOne(id, indexed.get(id)?.user);
    }
    return ids.size;
  }

  /** A user tag's sessions whose record is live and passes `belongs`; drops stale entries. */
  private async sessionsOf(user: string, belongs: (auth: SessionAuth) => boolean): Promise<Found[]> {
    const entries = (await this.o.kv.indexList(userBucket(user), user)).map(parseSessionMember);
    return this.withRecords(entries, belongs);
  }

  private async withRecords(entries: SessionEntry[], belongs: (a: SessionAuth) => boolean): Promise<Found[]> {
    const raws = await Promise.all(entries.map((e) => this.o.kv.get(sessionKeys.record(e.id))));
    const found: Found[] = [];
    const stale: SessionEntry[] = [];
    entries.forEach((entry, i) => {
      const auth = readRecord<Session>("session", raws[i])?.auth;
      if (!auth) stale.push(entry);
      else if (belongs(auth)) found.push({ ...entry, auth });
    });
    await Promise.all(
      stale.map((e) => this.o.kv.indexRemove(userBucket(e.user), [sessionPrefix(e.user, e.id)])),
    );
    return found;
  }

  private async endFound(sessions: Found[]): Promise<number> {
    await Promise.all(sessions.map((s) => this.endOne(s.id, s.user)));
    return sessions.length;
  }

  private async endOne(id: string, user: string | undefined): Promise<void> {
    await endSessionKeys(this.o.kv, id, this.o.tombstoneMs);
    if (user) await this.o.kv.indexRemove(userBucket(user), [sessionPrefix(user, id)]);
    await this.o.events.publish(digest(id));
  }
}

function isUser(auth: SessionAuth, tid: string, oid: string): boolean {
  return auth.user.tid === tid && auth.user.oid === oid;
}
