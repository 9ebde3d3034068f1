import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, CookieJar, callback, signIn, startLogin } from "./helpers/test-app.js";

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

function audit(t: TestApp, event: string): Array<Record<string, unknown>> {
  return t.logs().filter((line) => line.event === event);
}

// The request id comes from x-request-id only behind a trusted proxy.
const behindProxy = { env: { TRUST_PROXY: "1" } };

describe("audit log events", () => {
  it("records sign-in success and sign-out with the user's oid and the request id, never a token", async () => {
    const t = await buildTestApp(behindProxy);
    const jar = await signIn(t.app, t.emulator, ADELE);
    const oid = (await api(t.app, jar, "/api/session")).json().user.oid as string;
    const out = await t.app.inject({
      method: "POST",
      url: "/logout",
      headers: { "x-csrf": "1", cookie: jar.header(), "x-request-id": "logout-req-1" },
    });
    expect(out.statusCode).toBe(200);

    const [success] = audit(t, "signin.success");
    expect(success).toMatchObject({ oid, tid: t.emulator.tenantId });
    expect(success?.reqId).toEqual(expect.any(String));
    expect(audit(t, "signout")).toEqual([expect.objectContaining({ oid, reqId: "logout-req-1" })]);
    expect(t.rawLogs()).not.toMatch(JWT);
  });

  it("records a sign-in failure with the AADSTS code and the request id", async () => {
    const t = await buildTestApp(behindProxy);
    t.emulator.queueError("authorize", 50105);
    const jar = new CookieJar();
    const redirect = await t.emulator.signIn((await startLogin(t.app, jar)).toString(), ADELE);
    await t.app.inject({
      method: "GET",
      url: `${redirect.pathname}${redirect.search}`,
      headers: { cookie: jar.header(), "x-request-id": "callback-req-1" },
    });
    expect(audit(t, "signin.failure")).toEqual([
      expect.objectContaining({ kind: "entra_error", aadsts: 50105, reqId: "callback-req-1" }),
    ]);
  });

  it("records a failed code redemption with the AADSTS code from the token endpoint", async () => {
    const t = await buildTestApp();
    t.emulator.queueError("token", 54005, { grantType: "authorization_code" });
    const jar = new CookieJar();
    const res = await callback(
      t.app,
      jar,
      await t.emulator.signIn((await startLogin(t.app, jar)).toString(), ADELE),
    );
    expect(res.statusCode).toBe(400);
    expect(audit(t, "signin.failure")).toEqual([
      expect.objectContaining({ kind: "entra_error", aadsts: 54005 }),
    ]);
    expect(t.rawLogs()).not.toMatch(JWT);
  });

  it("records a session ended by a refresh failure with the oid, the AADSTS code and the request id", async () => {
    const t = await buildTestApp(behindProxy);
    t.emulator.setTokenLifetimes({ accessTokenSeconds: 240 }); // due for renewal at once
    const jar = await signIn(t.app, t.emulator, ADELE);
    const oid = (await api(t.app, jar, "/api/session")).json().user.oid as string;
    t.emulator.revokeRefreshTokens(ADELE);

    const res = await api(t.app, jar, "/api/me", { "x-request-id": "refresh-req-1" });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("reauth_required");
    expect(audit(t, "session.ended")).toEqual([
      expect.objectContaining({ reason: "reauth_required", oid, aadsts: 70008, reqId: "refresh-req-1" }),
    ]);
    expect(t.rawLogs()).not.toMatch(JWT);
  });
});
