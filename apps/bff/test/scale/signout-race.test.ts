import { describe, expect, it } from "vitest";
import { redisForFile } from "../helpers/redis-server.js";
import { ADELE, api, type CookieJar, signIn } from "../helpers/test-app.js";
import { type Fleet, type Instance, startFleet } from "./fleet.js";

/**
 * Issue 14, item 1: a request in flight while the user signs out must never bring the session
 * back. Each trial signs in, then sends `GET /api/me` (whose session touch is due) and
 * `POST /logout` at the same moment to two different instances, with the same cookie.
 */
const TRIALS = 20;

const redisUrl = redisForFile();

function logout(instance: Instance, jar: CookieJar) {
  return instance.app.inject({
    method: "POST",
    url: "/logout",
    headers: { "x-csrf": "1", cookie: jar.header() },
  });
}

/** Whether a session cookie with a value was (re-)issued. */
function issuesSessionCookie(setCookie: string | string[] | undefined): boolean {
  return ([] as string[]).concat(setCookie ?? []).some((c) => /^bff\.sid=[^;]/.test(c));
}

/**
 * One trial: true when the session survived the sign-out anywhere. `beforeRace` runs after the
 * sign-in (the real-interval trial moves the BFF's clock there).
 */
async function sessionSurvives(fleet: Fleet, trial: number, beforeRace?: () => void): Promise<boolean> {
  const [a, b] = fleet.instances as [Instance, Instance];
  const jar = await signIn(a.app, fleet.emulator, ADELE);
  expect((await api(b.app, jar, "/api/me")).statusCode).toBe(200);
  beforeRace?.();
  const [meOn, outOn] = trial % 2 === 0 ? [a, b] : [b, a];
  const [me, out] = await Promise.all([api(meOn.app, jar, "/api/me"), logout(outOn, jar)]);
  expect(out.statusCode).toBe(200);
  expect([200, 401]).toContain(me.statusCode);
  // A touch never re-sends the session cookie, so a late response cannot plant it again.
  const reissued = issuesSessionCookie(me.headers["set-cookie"]);

  // Afterwards the old cookie is signed out on every instance.
  const sessions = await Promise.all([a, b].map((instance) => api(instance.app, jar, "/api/session")));
  const mes = await Promise.all([a, b].map((instance) => api(instance.app, jar, "/api/me")));
  const authenticated = sessions.some((res) => res.json().authenticated !== false);
  const served = mes.some((res) => res.statusCode !== 401);
  return reissued || authenticated || served;
}

async function countSurvivors(fleet: Fleet, beforeRace?: () => void): Promise<number> {
  let survivors = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    if (await sessionSurvives(fleet, trial, beforeRace)) survivors++;
  }
  return survivors;
}

describe.each([
  ["memory", () => undefined],
  ["redis", () => redisUrl()],
])("sign-out racing a request whose session touch is due (%s store, two instances)", (_store, url) => {
  it.each([0, 200])(
    `leaves no session alive in ${TRIALS} trials with Graph latency %i ms`,
    async (latencyMs) => {
      const redisUrl = url();
      const fleet = await startFleet({
        ...(redisUrl ? { redisUrl } : {}),
        sessionTiming: { touchIntervalMs: 0 },
      });
      try {
        if (latencyMs > 0) fleet.emulator.graphFault({ delayMs: latencyMs, count: 10_000 });
        const survivors = await countSurvivors(fleet);
        expect(survivors, `${survivors} of ${TRIALS} sessions survived sign-out`).toBe(0);
      } finally {
        await fleet.close();
      }
    },
    60_000,
  );

  it("leaves no session alive with the real one-minute touch interval (the BFF's clock moved 61 s)", async () => {
    const redisUrl = url();
    let offsetMs = 0;
    const fleet = await startFleet({
      ...(redisUrl ? { redisUrl } : {}),
      // The default touch interval (60 s), against a clock the test moves past it.
      sessionTiming: { now: () => Date.now() + offsetMs },
    });
    try {
      fleet.emulator.graphFault({ delayMs: 50, count: 10_000 });
      const survived = await sessionSurvives(fleet, 0, () => {
        offsetMs = 61_000;
      });
      expect(survived).toBe(false);
    } finally {
      await fleet.close();
    }
  });
});
