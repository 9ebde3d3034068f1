import { Signer } from "@fastify/cookie";
import { describe, expect, it } from "vitest";
import { ADELE, api, CookieJar, callback, signIn, startLogin } from "../helpers/test-app.js";
import { type Fleet, fleetsOnSharedRedis } from "./fleet.js";

const newFleet = fleetsOnSharedRedis();
const OLD = "a-fleet-session-secret-shared-by-all-instances-0123456789";
const NEW = "the-rotated-session-secret-of-at-least-32-chars-0123";

/** The signed session id in a jar (the cookie value, URL-decoded). */
function sessionCookie(jar: CookieJar): string {
  const value = jar.cookies.get("bff.sid");
  if (value === undefined) throw new Error("no session cookie in the jar");
  return decodeURIComponent(value);
}

describe("rotating SESSION_SECRET across instances sharing one Redis", () => {
  it("keeps old cookies working on the rotated instance, signs new ones with the new secret, and drops the old secret cleanly", async () => {
    const fleet = await newFleet({ size: 1 });
    const [a] = fleet.instances as [Fleet["instances"][0]];
    expect(fleet.config.sessionSecrets).toEqual([OLD]);

    // Before the rotation: a user signs in on A, which knows only the old secret.
    const before = await signIn(a.app, fleet.emulator, ADELE);
    expect(new Signer(OLD, "sha256").unsign(sessionCookie(before)).valid).toBe(true);

    // Rolling out SESSION_SECRET=new,old: B serves the old cookie without a new sign-in.
    const b = await fleet.addInstance({ sessionSecrets: [NEW, OLD] });
    const me = await api(b.app, before, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: ADELE });

    // A sign-in on B gets a cookie signed with the new secret, not the old one.
    const after = await signIn(b.app, fleet.emulator, ADELE);
    expect(new Signer(NEW, "sha256").unsign(sessionCookie(after)).valid).toBe(true);
    expect(new Signer(OLD, "sha256").unsign(sessionCookie(after)).valid).toBe(false);
    expect((await api(b.app, after, "/api/me")).statusCode).toBe(200);

    // Once old sessions have expired, SESSION_SECRET=new: new cookies keep working, old ones do not.
    const c = await fleet.addInstance({ sessionSecrets: [NEW] });
    expect((await api(c.app, after, "/api/me")).statusCode).toBe(200);
    const retired = await api(c.app, before, "/api/me");
    expect(retired.statusCode).toBe(401);
    expect(retired.json().code).toBe("unauthenticated");
  });

  it("completes a sign-in started on an instance with the old secret whose callback lands on a rotated one", async () => {
    const fleet = await newFleet({ size: 1 });
    const [a] = fleet.instances as [Fleet["instances"][0]];
    const b = await fleet.addInstance({ sessionSecrets: [NEW, OLD] });
    const jar = new CookieJar();
    const redirect = await fleet.emulator.signIn(
      (await startLogin(a.app, jar, "/profile")).toString(),
      ADELE,
    );
    const res = await callback(b.app, jar, redirect);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/profile");
    expect(new Signer(NEW, "sha256").unsign(sessionCookie(jar)).valid).toBe(true);
  });
});
