import { describe, expect, it } from "vitest";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { type Fleet, fleetsOnSharedRedis } from "./fleet.js";

const newFleet = fleetsOnSharedRedis();

/**
 * An access token with 4 minutes left: MSAL (5-minute renewal offset) and the BFF's hot cache
 * both treat it as due for renewal, so the next /api/me must redeem the refresh token. Lifetimes
 * go back to normal after sign-in, so the refreshed token is fresh and one refresh is enough.
 */
async function signInWithExpiringToken(f: Fleet) {
  f.emulator.setTokenLifetimes({ accessTokenSeconds: 240 });
  const [a] = f.instances as [Fleet["instances"][0]];
  const jar = await signIn(a.app, f.emulator, ADELE);
  f.emulator.setTokenLifetimes({ accessTokenSeconds: 3600 });
  return jar;
}

describe("single-flight refresh across instances", () => {
  it("redeems the refresh token exactly once for 20 concurrent /api/me calls on two instances", async () => {
    const fleet = await newFleet();
    const [a, b] = fleet.instances as [Fleet["instances"][0], Fleet["instances"][0]];
    const jar = await signInWithExpiringToken(fleet);
    expect(fleet.emulator.requests({ grantType: "refresh_token" })).toHaveLength(0);

    const calls = Array.from({ length: 20 }, (_, i) => api(i % 2 === 0 ? a.app : b.app, jar, "/api/me"));
    const responses = await Promise.all(calls);

    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    for (const res of responses) expect(res.json()).toMatchObject({ userPrincipalName: ADELE });
    const refreshes = fleet.emulator.requests({ grantType: "refresh_token" });
    expect(refreshes).toHaveLength(1);
    // Rotation: a second redemption of the same refresh token would be answered invalid_grant.
    expect(refreshes.map((r) => r.status)).toEqual([200]);
  });

  it("never redeems a rotated refresh token again when instances take turns refreshing", async () => {
    const fleet = await newFleet();
    const [a, b] = fleet.instances as [Fleet["instances"][0], Fleet["instances"][0]];
    fleet.emulator.setTokenLifetimes({ accessTokenSeconds: 240 });
    const jar = await signIn(a.app, fleet.emulator, ADELE);

    // Every token stays due for renewal, so each round refreshes once, alternating instances:
    // each instance must use the refresh token the other one received, never its own stale copy.
    for (let round = 0; round < 4; round++) {
      const first = round % 2 === 0 ? b : a;
      const second = round % 2 === 0 ? a : b;
      const [x, y] = await Promise.all([api(first.app, jar, "/api/me"), api(second.app, jar, "/api/me")]);
      expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
    }
    const refreshes = fleet.emulator.requests({ grantType: "refresh_token" });
    expect(refreshes.length).toBeGreaterThanOrEqual(4);
    expect(refreshes.filter((r) => r.status !== 200)).toEqual([]);
    expect((await api(a.app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });
  });
});
