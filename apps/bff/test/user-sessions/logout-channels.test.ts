import type { FastifyInstance } from "fastify";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

async function signedIn() {
  const t = await buildTestApp();
  const jar = await signIn(t.app, t.emulator, ADELE);
  // The emulator's sid of Adele's SSO session: the one her ID token carried.
  const sid = decodeJwt(await t.emulator.logoutToken({ user: ADELE })).sid as string;
  return { ...t, jar, sid };
}

const alive = async (app: FastifyInstance, jar: CookieJar) =>
  (await api(app, jar, "/api/session")).json().authenticated as boolean;

function postToken(app: FastifyInstance, body: string, contentType = "application/x-www-form-urlencoded") {
  return app.inject({
    method: "POST",
    url: "/logout/backchannel",
    payload: body,
    headers: { "content-type": contentType },
  });
}

describe("GET /logout/frontchannel", () => {
  it("ends the sessions of that sid without the cookie; only the IdP may frame it", async () => {
    const { app, emulator, jar, sid } = await signedIn();
    const res = await app.inject({
      method: "GET",
      url: `/logout/frontchannel?sid=${encodeURIComponent(sid)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.headers["content-security-policy"]).toBe(
      `default-src 'none'; frame-ancestors ${new URL(emulator.url).origin}`,
    );
    expect(res.headers["x-frame-options"]).toBeUndefined();
    expect(res.body.length).toBeLessThan(300);
    expect(await alive(app, jar)).toBe(false);
    // Every other page still refuses to be framed.
    expect((await app.inject({ method: "GET", url: "/login" })).headers["x-frame-options"]).toBeDefined();
  });

  it("leaves sessions of another sid alone", async () => {
    const { app, jar } = await signedIn();
    const res = await app.inject({
      method: "GET",
      url: "/logout/frontchannel?sid=00000000-0000-0000-0000-000000000000",
    });
    expect(res.statusCode).toBe(200);
    expect(await alive(app, jar)).toBe(true);
  });

  it("refuses a foreign iss and a missing sid with 400, ending nothing", async () => {
    const { app, jar, sid } = await signedIn();
    const foreign = await app.inject({
      method: "GET",
      url: `/logout/frontchannel?sid=${sid}&iss=${encodeURIComponent("https://evil.example/v2.0")}`,
    });
    expect(foreign.statusCode).toBe(400);
    expect((await app.inject({ method: "GET", url: "/logout/frontchannel" })).statusCode).toBe(400);
    expect(await alive(app, jar)).toBe(true);
  });
});

describe("POST /logout/backchannel", () => {
  it("a valid logout token ends the session (no cookie, no X-CSRF) and answers 200", async () => {
    const { app, emulator, jar } = await signedIn();
    const token = await emulator.logoutToken({ user: ADELE });
    const res = await postToken(app, new URLSearchParams({ logout_token: token }).toString());
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(await alive(app, jar)).toBe(false);
  });

  it("a token with only sub ends every session of that user", async () => {
    const { app, emulator, jar } = await signedIn();
    const second = await signIn(app, emulator, ADELE);
    const token = await emulator.logoutToken({ user: ADELE, claims: { sid: null } });
    expect((await postToken(app, `logout_token=${token}`)).statusCode).toBe(200);
    expect(await alive(app, jar)).toBe(false);
    expect(await alive(app, second)).toBe(false);
  });

  it("refuses a replayed jti with 400 invalid_request", async () => {
    const { app, emulator, jar } = await signedIn();
    const token = await emulator.logoutToken({ user: ADELE });
    expect((await postToken(app, `logout_token=${token}`)).statusCode).toBe(200);
    // Signed in again: the replay must not end the new session.
    const again = await signIn(app, emulator, ADELE);
    const replay = await postToken(app, `logout_token=${token}`);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: "invalid_request", code: "invalid_request" });
    expect(await alive(app, again)).toBe(true);
    expect(await alive(app, jar)).toBe(false);
  });

  it.each([
    ["a bad signature", { foreignKey: true }, /signed with an unknown key|signature/],
    ["a wrong aud", { claims: { aud: "00000000-0000-0000-0000-000000000001" } }, /"aud"/],
    ["no events claim", { claims: { events: null } }, /events/],
    ["events without the back-channel member", { claims: { events: { other: {} } } }, /events/],
    ["a nonce", { claims: { nonce: "n-0S6_WzA2Mj" } }, /nonce/],
    ["neither sid nor sub", { claims: { sid: null, sub: null } }, /neither/],
    ["a wrong typ", { typ: "JWT" }, /typ/],
    ["an expired token", { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, /expired/],
    ["a wrong iss", { claims: { iss: "https://evil.example/v2.0" } }, /"iss"/],
    ["no jti", { claims: { jti: null } }, /jti/],
  ])("refuses %s with 400 invalid_request and ends nothing", async (_name, options, reason) => {
    const { app, emulator, jar } = await signedIn();
    const token = await emulator.logoutToken({ user: ADELE, ...options });
    const res = await postToken(app, `logout_token=${token}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid_request");
    expect(res.json().error_description).toMatch(reason);
    expect(await alive(app, jar)).toBe(true);
  });

  it.each([
    ["JSON", JSON.stringify({ logout_token: "x" }), "application/json"],
    ["no logout_token", "foo=bar", undefined],
    ["logout_token twice", "logout_token=a&logout_token=b", undefined],
    ["a body over 8 KB", `logout_token=${"a".repeat(9000)}`, undefined],
    ["garbage", "logout_token=not.a.jwt", undefined],
  ])("answers 400 invalid_request to %s", async (_name, body, contentType) => {
    const { app } = await signedIn();
    const res = await postToken(app, body, contentType);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid_request");
  });

  it("a token carried by a cookie-bearing, CSRF-less request is judged the same (no CSRF rule)", async () => {
    const { app, emulator, jar } = await signedIn();
    const token = await emulator.logoutToken({ user: ADELE });
    const res = await app.inject({
      method: "POST",
      url: "/logout/backchannel",
      payload: `logout_token=${token}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: jar.header(),
        "sec-fetch-site": "cross-site",
      },
    });
    expect(res.statusCode).toBe(200);
  });
});
