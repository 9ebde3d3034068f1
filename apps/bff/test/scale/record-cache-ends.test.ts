import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, api, type CookieJar, signIn } from "../helpers/test-app.js";
import { fleetsOnSharedRedis, type Instance } from "./fleet.js";
import { recordReads } from "./record-cache.js";

/**
 * The per-instance record cache (session-record-cache.ts) against two instances over one Redis:
 * whatever ends or changes a session on A, B's very next request sees it, however warm B's cache.
 * Each case repeats, so a race between the pub/sub message and the next request shows up.
 */
const ROUNDS = 100;

const newFleet = fleetsOnSharedRedis();

async function twoInstances(options: Parameters<typeof newFleet>[0] = {}) {
  const reads = recordReads();
  const fleet = await newFleet({ ...options, wrapStore: reads.wrap });
  const [a, b] = fleet.instances as [Instance, Instance];
  return { fleet, a, b, reads };
}

function send(app: FastifyInstance, method: "POST" | "DELETE", url: string, jar: CookieJar) {
  return app.inject({ method, url, headers: { "x-csrf": "1", cookie: jar.header() } });
}

/** Requests on B until its cache holds the session: then a request reads nothing from the store. */
async function warm(b: Instance, reads: ReturnType<typeof recordReads>, jar: CookieJar): Promise<void> {
  expect((await api(b.app, jar, "/api/me")).statusCode).toBe(200);
  const before = reads.of(1);
  expect((await api(b.app, jar, "/api/session")).json().authenticated).toBe(true);
  expect(reads.of(1), "B answered the second request from its record cache").toBe(before);
}

/**
 * B's very next requests after the end all refuse the cookie. `/api/session/state` reads nothing
 * but the session record, so only the record (cached or not) can answer it.
 */
async function expectEndedOn(b: Instance, jar: CookieJar, round: number): Promise<void> {
  for (const url of ["/api/session/state", "/api/me", "/api/session"]) {
    const res = await api(b.app, jar, url);
    const outcome = url === "/api/me" ? res.statusCode : res.json().authenticated;
    expect(`round ${round}: ${url} ${outcome}`).toBe(
      `round ${round}: ${url} ${url === "/api/me" ? 401 : false}`,
    );
  }
}

async function handleOf(app: FastifyInstance, viewer: CookieJar, current: boolean): Promise<string> {
  const { sessions } = (await api(app, viewer, "/api/sessions")).json();
  return sessions.find((s: { current: boolean }) => s.current === current).handle;
}

describe("record cache over Redis: an end on A is seen by B's very next request", () => {
  it(`sign-out on A → 401 on B at once, with B's cache warm (${ROUNDS} rounds)`, async () => {
    const { fleet, a, b, reads } = await twoInstances();
    for (let round = 0; round < ROUNDS; round++) {
      const jar = await signIn(a.app, fleet.emulator, ADELE);
      await warm(b, reads, jar);
      expect((await send(a.app, "POST", "/logout", jar)).statusCode).toBe(200);
      await expectEndedOn(b, jar, round);
    }
  }, 120_000);

  it("DELETE /api/sessions/{handle} on A ends a session in use on B at once (30 rounds)", async () => {
    const { fleet, a, b, reads } = await twoInstances();
    const first = await signIn(a.app, fleet.emulator, ADELE);
    for (let round = 0; round < 30; round++) {
      const second = await signIn(a.app, fleet.emulator, ADELE);
      await warm(b, reads, second);
      const res = await send(a.app, "DELETE", `/api/sessions/${await handleOf(a.app, first, false)}`, first);
      expect(res.json()).toEqual({ ended: 1 });
      await expectEndedOn(b, second, round);
    }
  }, 60_000);

  it("DELETE /api/sessions?others=true on A ends the sessions in use on B at once (30 rounds)", async () => {
    const { fleet, a, b, reads } = await twoInstances();
    const first = await signIn(a.app, fleet.emulator, ADELE);
    for (let round = 0; round < 30; round++) {
      const others = [await signIn(a.app, fleet.emulator, ADELE), await signIn(a.app, fleet.emulator, ADELE)];
      for (const jar of others) await warm(b, reads, jar);
      await warm(b, reads, first);
      const res = await send(a.app, "DELETE", "/api/sessions?others=true", first);
      expect(res.json()).toEqual({ ended: 2 });
      for (const jar of others) await expectEndedOn(b, jar, round);
      // The caller's own session, cached on B too, goes on.
      expect((await api(b.app, first, "/api/me")).statusCode).toBe(200);
    }
  }, 90_000);

  it("signing in again on A ends the browser's previous session on B at once (fixation, 10 rounds)", async () => {
    const { fleet, a, b, reads } = await twoInstances();
    for (let round = 0; round < 10; round++) {
      const jar = await signIn(a.app, fleet.emulator, ADELE);
      await warm(b, reads, jar);
      const previous = jar.clone();
      const again = await signIn(a.app, fleet.emulator, ADELE, jar);
      expect(again.header()).not.toBe(previous.header());
      await expectEndedOn(b, previous, round);
      expect((await api(b.app, again, "/api/me")).statusCode).toBe(200);
    }
  }, 60_000);

  it("a store read on B that overlaps the sign-out on A is not cached (the read's ticket is void)", async () => {
    const { fleet, a, b, reads } = await twoInstances();
    for (let round = 0; round < 5; round++) {
      const jar = await signIn(a.app, fleet.emulator, ADELE);
      // B's read got the live record from Redis; before it returns, A signs the user out and
      // B receives the announcement. The read still answers its own request (it started first)…
      reads.hold(1, async () => {
        reads.hold(1, undefined);
        expect((await send(a.app, "POST", "/logout", jar)).statusCode).toBe(200);
        // The announcement travels over another connection: let B's event loop take it in.
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
      expect([200, 401]).toContain((await api(b.app, jar, "/api/session/state")).statusCode);
      // …but what it read is not served again.
      await expectEndedOn(b, jar, round);
    }
  }, 60_000);
});

describe("record cache over Redis: a touch on A is seen by B", () => {
  it("B reports the lastSeenAt A's touch wrote, not the one it cached (10 rounds)", async () => {
    let offsetMs = 0;
    const { fleet, a, b, reads } = await twoInstances({
      // The real one-minute touch interval, on a clock the test moves past it.
      sessionTiming: { now: () => Date.now() + offsetMs },
    });
    const jar = await signIn(a.app, fleet.emulator, ADELE);
    const idleEnd = async () => {
      const state = (await api(b.app, jar, "/api/session/state")).json();
      expect(state.authenticated).toBe(true);
      return Date.parse(state.idleExpiresAt);
    };
    for (let round = 0; round < 10; round++) {
      await warm(b, reads, jar);
      const before = await idleEnd();
      offsetMs += 61_000;
      // A's request is due a touch: it moves lastSeenAt in Redis and announces the change.
      expect((await api(a.app, jar, "/api/me")).statusCode).toBe(200);
      const after = await idleEnd();
      expect(after - before, `round ${round}: B's idle end moved with A's touch`).toBeGreaterThanOrEqual(
        61_000,
      );
    }
  }, 60_000);
});
