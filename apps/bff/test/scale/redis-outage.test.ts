import type { LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { until } from "../helpers/until.js";
import { type Fleet, type Instance, startFleet } from "./fleet.js";

let redis: RedisServer | undefined;
let fleet: Fleet | undefined;

afterEach(async () => {
  await fleet?.close();
  await redis?.stop();
  fleet = undefined;
  redis = undefined;
});

/** Everything a browser or a load balancer may ask an instance while Redis is away. */
async function probe(instance: Instance, cookie: string) {
  const { app } = instance;
  return {
    me: await api(app, undefined, "/api/me", { cookie }),
    session: await api(app, undefined, "/api/session", { cookie }),
    logout: await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie } }),
    login: await app.inject({ method: "GET", url: "/login" }),
    readyz: await app.inject({ method: "GET", url: "/readyz" }),
    healthz: await app.inject({ method: "GET", url: "/healthz" }),
  };
}

function statuses(responses: Record<string, LightMyRequestResponse>): Record<string, number> {
  return Object.fromEntries(Object.entries(responses).map(([name, res]) => [name, res.statusCode]));
}

describe("Redis outage with two instances", () => {
  it("fails closed while Redis is down (503s, failing readiness, no memory fallback) and recovers without a restart", async () => {
    // Append-only file with fsync on every write: the restarted Redis comes back with the data,
    // as a production Redis with persistence (or a replica) would. Without it, see the next test.
    redis = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
    fleet = await startFleet({ redisUrl: redis.url });
    const [a, b] = fleet.instances as [Instance, Instance];
    const jar = await signIn(a.app, fleet.emulator, ADELE);
    const cookie = jar.header();
    // Both instances now hold this session's access token in their in-process hot cache.
    expect((await api(a.app, jar, "/api/me")).statusCode).toBe(200);
    expect((await api(b.app, jar, "/api/me")).statusCode).toBe(200);

    await redis.kill();

    for (const instance of [a, b]) {
      const down = await probe(instance, cookie);
      expect(statuses(down)).toEqual({
        me: 503,
        session: 503,
        logout: 503,
        login: 503,
        readyz: 503,
        healthz: 200,
      });
      // A cookie for a session the instance served a second ago is not served from memory.
      expect(down.me.json()).toEqual({
        code: "session_store_unavailable",
        message: "The session store is unavailable; try again shortly.",
      });
      expect(down.session.json().code).toBe("session_store_unavailable");
      expect(down.logout.json().code).toBe("session_store_unavailable");
      expect(down.readyz.json()).toEqual({
        status: "not_ready",
        checks: { store: false, idpMetadata: true, draining: false },
      });
      expect(down.login.headers["content-type"]).toMatch(/^text\/html/);
      expect(down.login.body).toContain("Sign-in is unavailable right now");
      expect(down.login.body).toContain("session store cannot be reached");
    }

    await redis.restart();
    for (const instance of [a, b]) {
      await until(
        async () => (await instance.app.inject({ method: "GET", url: "/readyz" })).statusCode === 200,
        "the instance became ready again after Redis returned",
        10_000,
      );
      const me = await api(instance.app, undefined, "/api/me", { cookie });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ userPrincipalName: ADELE });
      expect((await instance.app.inject({ method: "GET", url: "/login" })).statusCode).toBe(302);
    }
  });

  it("asks for a new sign-in (401, never 500) when Redis comes back empty, without persistence", async () => {
    redis = await startRedisServer();
    fleet = await startFleet({ redisUrl: redis.url });
    const [a, b] = fleet.instances as [Instance, Instance];
    const jar = await signIn(a.app, fleet.emulator, ADELE);
    expect((await api(b.app, jar, "/api/me")).statusCode).toBe(200);

    await redis.restart(); // SIGKILL, then an empty Redis on the same port
    for (const instance of [a, b]) {
      await until(
        async () => (await instance.app.inject({ method: "GET", url: "/readyz" })).statusCode === 200,
        "the instance became ready again after Redis returned",
        10_000,
      );
      // The session is gone with Redis' memory: no instance keeps serving it from its own cache.
      const me = await api(instance.app, jar, "/api/me");
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe("unauthenticated");
    }
  });
});
