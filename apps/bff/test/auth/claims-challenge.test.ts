import { describe, expect, it } from "vitest";
import { validClaims } from "../../src/auth/claims-challenge.js";
import { ADELE, api, buildTestApp, CookieJar, signIn, startLogin } from "../helpers/test-app.js";

const CHALLENGE = JSON.stringify({ access_token: { capolids: { essential: true, values: ["policy-1"] } } });

// Issue 10: a claims challenge from Entra at refresh time must reach the next authorize request.
describe("a Conditional Access claims challenge at refresh time", { timeout: 30_000 }, () => {
  it("answers reauth_required and passes the challenge to the next /login's authorize URL, once", async () => {
    const { app, emulator } = await buildTestApp({ logLevel: "silent" });
    emulator.setTokenLifetimes({ accessTokenSeconds: 60 }); // the next API call must refresh
    const jar = await signIn(app, emulator, ADELE);
    emulator.queueError("token", 50076, {
      error: "invalid_grant",
      grantType: "refresh_token",
      claims: CHALLENGE,
    });

    const me = await api(app, jar, "/api/me");
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: "reauth_required" });
    jar.update(me);
    expect([...jar.cookies.keys()]).toContain("bff.claims");

    const authorize = await startLogin(app, jar, "/profile");
    const sent = JSON.parse(authorize.searchParams.get("claims") ?? "{}");
    expect(sent.access_token).toEqual({ capolids: { essential: true, values: ["policy-1"] } });

    // Single use: the following sign-in asks for no extra claims.
    const again = await startLogin(app, jar, "/profile");
    expect(again.searchParams.get("claims") ?? "").not.toContain("capolids");
  });

  it("ignores a planted claims cookie that is not a JSON object", async () => {
    const { app } = await buildTestApp({ logLevel: "silent" });
    const jar = new CookieJar();
    jar.cookies.set("bff.claims", Buffer.from("not json").toString("base64url"));
    const authorize = await startLogin(app, jar);
    expect(authorize.searchParams.get("claims") ?? "").not.toContain("not json");
  });
});

describe("validClaims", () => {
  it.each([
    ["a JSON object", CHALLENGE, CHALLENGE],
    ["an array", "[1]", undefined],
    ["a string", '"x"', undefined],
    ["null", "null", undefined],
    ["broken JSON", "{", undefined],
    ["an oversized object", JSON.stringify({ a: "x".repeat(3000) }), undefined],
    ["nothing", undefined, undefined],
  ])("accepts only a JSON object of sensible size: %s", (_name, input, expected) => {
    expect(validClaims(input)).toBe(expected);
  });
});
