import { describe, expect, it } from "vitest";
import { ADELE, api, CookieJar, callback, signIn, startLogin } from "../helpers/test-app.js";
import { type Fleet, fleetsOnSharedRedis } from "./fleet.js";

const newFleet = fleetsOnSharedRedis();

function logout(app: Fleet["instances"][number]["app"], jar: CookieJar) {
  return app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie: jar.header() } });
}

describe("two BFF instances sharing one Redis, no sticky sessions", () => {
  it("serves a session signed in on A from B, and a sign-out on B ends it on A at once", async () => {
    const fleet = await newFleet();
    const [a, b] = fleet.instances as [Fleet["instances"][0], Fleet["instances"][0]];
    const jar = await signIn(a.app, fleet.emulator, ADELE);

    const me = await api(b.app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: ADELE });
    // A has the token in its hot cache; B had to find it in Redis.
    expect((await api(a.app, jar, "/api/me")).statusCode).toBe(200);

    const out = await logout(b.app, jar);
    expect(out.statusCode).toBe(200);

    const afterLogout = await api(a.app, jar, "/api/me");
    expect(afterLogout.statusCode).toBe(401);
    expect(afterLogout.json().code).toBe("unauthenticated");
    expect((await api(a.app, jar, "/api/session")).json()).toMatchObject({ authenticated: false });
    // Session, token cache and shared access token are gone from Redis, not just hidden.
    expect(await a.store.count("sess:")).toBe(0);
    expect(await a.store.count("tc:")).toBe(0);
    expect(await a.store.count("at:")).toBe(0);
  });

  it("completes a sign-in whose callback lands on B after /login on A", async () => {
    const fleet = await newFleet();
    const [a, b] = fleet.instances as [Fleet["instances"][0], Fleet["instances"][0]];
    const jar = new CookieJar();
    const authorize = await startLogin(a.app, jar, "/profile");
    const redirect = await fleet.emulator.signIn(authorize.toString(), ADELE);

    const res = await callback(b.app, jar, redirect);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/profile");
    expect((await api(a.app, jar, "/api/session")).json()).toMatchObject({
      authenticated: true,
      user: { username: ADELE },
    });
    // The pre-login record was single use: replaying the callback on A is refused.
    const replay = await callback(a.app, jar.clone(), redirect);
    expect(replay.statusCode).toBe(400);
  });

  it("keeps sessions across an instance restart: a new A on the same Redis serves the old cookie", async () => {
    const fleet = await newFleet({ size: 1 });
    const [a] = fleet.instances as [Fleet["instances"][0]];
    const jar = await signIn(a.app, fleet.emulator, ADELE);
    expect((await api(a.app, jar, "/api/me")).statusCode).toBe(200);

    await a.app.close();
    const restarted = await fleet.addInstance();
    const tokenRequestsBefore = fleet.emulator.requests({ path: "/token" }).length;

    const me = await api(restarted.app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: ADELE });
    // Served from the token that was shared in Redis: no new sign-in, no refresh needed.
    expect(fleet.emulator.requests({ path: "/token" }).length).toBe(tokenRequestsBefore);
  });
});
