import { describe, expect, it } from "vitest";
import { parseApis } from "../../src/apis/api-config.js";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { type Fleet, fleetsOnSharedRedis } from "../scale/fleet.js";
import { jwtClaims, NOTES_SCOPE, startUpstream, TASKS_SCOPE, tenantWithApis } from "./setup.js";

const newFleet = fleetsOnSharedRedis();

describe("per-resource tokens across instances", () => {
  it("two instances share each API's token and redeem the refresh token once per resource", async () => {
    const upstream = await startUpstream();
    const apis = parseApis([
      { prefix: "/api/tasks", upstream: `${upstream.url}/tasks`, token: "user", scopes: [TASKS_SCOPE] },
      { prefix: "/api/notes", upstream: `${upstream.url}/notes`, token: "user", scopes: [NOTES_SCOPE] },
    ]);
    const fleet = await newFleet({ emulatorConfig: tenantWithApis(true), config: { apis } });
    const [a, b] = fleet.instances as [Fleet["instances"][0], Fleet["instances"][0]];
    const jar = await signIn(a.app, fleet.emulator, ADELE);

    const calls = Array.from({ length: 20 }, (_, i) =>
      api(i % 2 === 0 ? a.app : b.app, jar, i % 4 < 2 ? "/api/tasks" : "/api/notes"),
    );
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));

    const refreshes = fleet.emulator.requests({ grantType: "refresh_token" });
    // One redemption per resource, never the same (rotating) refresh token twice.
    expect(refreshes.map((r) => r.status)).toEqual([200, 200]);
    const tokens = new Set(upstream.received.map((entry) => entry.headers.authorization));
    expect(tokens.size).toBe(2);
    const audiences = new Set(upstream.received.map((entry) => jwtClaims(entry.headers.authorization).aud));
    expect(audiences.size).toBe(2);
    // Graph's token and one per resource are shared in Redis…
    expect(await a.store.count("at:")).toBe(3);
    // …and signing out on one instance ends them all: the other serves no resource token any more.
    await a.app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie: jar.header() } });
    expect(await a.store.count("at:")).toBe(0);
    expect((await api(b.app, jar, "/api/tasks")).statusCode).toBe(401);
  });
});
