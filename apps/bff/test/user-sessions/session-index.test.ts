import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { writeRecord } from "../../src/session/record-format.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import type { SessionAuth } from "../../src/session/session-data.js";
import { sessionKeys } from "../../src/session/session-keys.js";
import { digest } from "../../src/user-sessions/digest.js";
import { sessionMember, subTag, userBucket, userTag } from "../../src/user-sessions/index-layout.js";
import { SessionIndex } from "../../src/user-sessions/session-index.js";
import { redisForFile } from "../helpers/redis-server.js";
import { fakeSessions, silentBroadcast } from "./index-sessions.js";

const LONG = 60_000;
const SHORT = 200;

const redisUrl = redisForFile();
let prefixes = 0;

/** Writes a session's record the way the session store does, then indexes it. */
async function signedIn(kv: KeyValueStore, index: SessionIndex, id: string, auth: SessionAuth, ttl = LONG) {
  await kv.set(sessionKeys.record(id), writeRecord("session", { cookie: {}, auth }), ttl);
  await index.put(id, auth, ttl);
}

describe.each([
  ["memory", () => createMemoryStore()],
  ["redis", () => createRedisStore({ url: redisUrl(), keyPrefix: `index-${++prefixes}:` })],
])("SessionIndex (%s)", (_name, makeStore) => {
  const setup = () => {
    const kv = makeStore();
    return { kv, index: new SessionIndex({ kv, events: silentBroadcast, tombstoneMs: LONG }) };
  };

  it("a touch near one session's absolute end keeps the sid lookup of a younger session of that sign-in", async () => {
    const { kv, index } = setup();
    const [older, younger] = fakeSessions(1, 2) as [
      { id: string; auth: SessionAuth },
      { id: string; auth: SessionAuth },
    ];
    younger.auth.sid = older.auth.sid as string;
    await signedIn(kv, index, older.id, older.auth);
    await signedIn(kv, index, younger.id, younger.auth);
    // The older session is touched with what is left of its absolute lifetime: a short TTL.
    await signedIn(kv, index, older.id, { ...older.auth, lastSeenAt: Date.now() }, SHORT);
    await new Promise((resolve) => setTimeout(resolve, SHORT * 3));

    expect(await index.endBySid(younger.auth.sid)).toBe(1);
    expect(await kv.get(sessionKeys.record(younger.id))).toBeUndefined();
    await kv.close();
  });

  it("never lists or ends another user's session, even one planted under this user's tag", async () => {
    const { kv, index } = setup();
    const [mine, theirs] = fakeSessions(2, 1) as [
      { id: string; auth: SessionAuth },
      { id: string; auth: SessionAuth },
    ];
    await signedIn(kv, index, mine.id, mine.auth);
    await signedIn(kv, index, theirs.id, theirs.auth);
    // What a collision of user tags would look like: their session filed under my tag.
    const tag = userTag(mine.auth.user.tid, mine.auth.user.oid);
    await kv.indexPut(userBucket(tag), sessionMember(tag, theirs.id, subTag(theirs.auth.sub)), LONG);

    const { tid, oid } = mine.auth.user;
    expect((await index.list(tid, oid)).map((s) => s.id)).toEqual([mine.id]);
    expect(await index.endUser(tid, oid)).toBe(1);
    expect(await kv.get(sessionKeys.record(theirs.id))).toBeDefined();
    expect(await index.list(theirs.auth.user.tid, theirs.auth.user.oid)).toHaveLength(1);
    await kv.close();
  });

  it("ending removes the session's entry; one whose record is gone is dropped when read", async () => {
    const { kv, index } = setup();
    const [a, b, c] = fakeSessions(1, 3) as Array<{ id: string; auth: SessionAuth }>;
    for (const s of [a, b, c]) if (s) await signedIn(kv, index, s.id, s.auth);
    const { tid, oid } = a?.auth.user ?? { tid: "", oid: "" };
    const tag = userTag(tid, oid);
    await index.end(a?.id as string, { tid, oid });
    await kv.delete(sessionKeys.record(b?.id as string));
    expect((await index.list(tid, oid)).map((s) => s.id)).toEqual([c?.id]);
    expect(await kv.indexList(userBucket(tag), tag)).toHaveLength(1);
    await kv.close();
  });

  it("ends every session of a sub (back-channel logout without sid), and no one else's", async () => {
    const { kv, index } = setup();
    const sessions = fakeSessions(3, 2);
    for (const { id, auth } of sessions) await signedIn(kv, index, id, auth);
    const [first] = sessions;
    expect(await index.endBySub(first?.auth.sub as string)).toBe(2);
    expect(await index.endBySub("nobody")).toBe(0);
    const live = await Promise.all(sessions.map(({ id }) => kv.get(sessionKeys.record(id))));
    expect(live.map((raw) => raw !== undefined)).toEqual([false, false, true, true, true, true]);
    await kv.close();
  });
});

describe("an index in the first layout (usess:/usid:/usub: keys), left behind by an upgrade", () => {
  it("is ignored without errors: sessions are listed and ended through the new index", async () => {
    const kv = createRedisStore({ url: redisUrl(), keyPrefix: `legacy-${++prefixes}:` });
    const index = new SessionIndex({ kv, events: silentBroadcast, tombstoneMs: LONG });
    const [session] = fakeSessions(1, 1) as [{ id: string; auth: SessionAuth }];
    const { tid, oid } = session.auth.user;
    // What that layout wrote for this very user and sign-in (names as it built them).
    const user = digest(`${tid}.${oid}`);
    await kv.indexPut(`usess:{${user}}`, session.id, LONG);
    await kv.set(`usess:{${user}}:v`, "not a hash any more", LONG);
    await kv.set(`usid:{${digest(session.auth.sid as string)}}`, user, LONG);
    await kv.set(`usub:{${digest(session.auth.sub as string)}}`, user, LONG);
    await signedIn(kv, index, session.id, session.auth);

    expect((await index.list(tid, oid)).map((s) => s.id)).toEqual([session.id]);
    expect(await index.endBySid(session.auth.sid as string, session.auth.sub)).toBe(1);
    expect(await index.endAll()).toBe(0);
    await kv.close();
  });
});
