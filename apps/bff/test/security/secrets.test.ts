import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, callback, signIn, startLogin } from "../helpers/test-app.js";
import { JWT_SHAPE } from "./helpers.js";

/** Everything a browser or a proxy would see of a response. */
function visible(res: LightMyRequestResponse): string {
  const headers = Object.entries(res.headers)
    .filter(([name]) => name !== "set-cookie")
    .map(([name, value]) => `${name}: ${String(value)}`);
  return `${headers.join("\n")}\n\n${res.body}`;
}

describe("security: secrets and tokens never leave the server", () => {
  it("keeps JWTs, codes and the client secret out of every response and log line, on success and failure paths", async () => {
    const { app, emulator, rawLogs } = await buildTestApp({ logLevel: "trace" });
    const seen: string[] = [];
    const codes: string[] = [];
    const record = (res: LightMyRequestResponse) => {
      seen.push(visible(res));
      return res;
    };

    // A full successful flow, with a forced refresh.
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
    codes.push(String(redirect.searchParams.get("code")));
    record(await callback(app, jar, redirect));
    for (const url of ["/api/session", "/api/me", "/api/me/photo"]) record(await api(app, jar, url));

    // Hostile ID token, failed code redemption, Entra error.
    for (const fault of [
      () => emulator.issueHostileIdToken("wrong-signature"),
      () => emulator.queueError("token", 70008, { grantType: "authorization_code" }),
      () => emulator.queueError("authorize", 50105),
    ]) {
      const other = new CookieJar();
      const authorize = await startLogin(app, other);
      fault();
      const failed = await emulator.signIn(authorize.toString(), ADELE);
      const code = failed.searchParams.get("code");
      if (code) codes.push(code);
      record(await callback(app, other, failed));
    }

    // Graph failures and a dead refresh token.
    emulator.graphFault({ status: 503, count: 2 });
    record(await api(app, jar, "/api/me"));
    const second = await signIn(app, emulator, ADELE);
    emulator.revokeRefreshTokens(ADELE);
    emulator.advanceClock(3600);
    const reauth = record(await api(app, second, "/api/me"));
    expect(reauth.statusCode).toBe(401);
    record(
      await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie: jar.header() } }),
    );

    const logs = rawLogs();
    const secret = emulator.client.clientSecret;
    for (const [what, text] of [
      ...seen.map((s, i) => [`response ${i}`, s] as const),
      ["logs", logs] as const,
    ]) {
      expect(`${what}: ${JWT_SHAPE.exec(text)?.[0] ?? "no JWT"}`).toBe(`${what}: no JWT`);
      expect(text.includes(secret), `${what} contains the client secret`).toBe(false);
      for (const code of codes) expect(text.includes(code), `${what} contains an auth code`).toBe(false);
    }
    // The cookie values never reach the logs either.
    for (const value of [...jar.cookies.values(), ...second.cookies.values()])
      expect(logs).not.toContain(value);
  });

  it("shows a 5xx client only a generic message, never an internal one", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 500, count: 2 });
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(502);
    expect(Object.keys(res.json()).sort()).toEqual(["code", "message"]);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+|stack|Error:/);
  });
});
