import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

// routes/requirements.ts: `config.csrf` and `config.session`, one hook each, for every route that
// declares them — including the /api not-found handler, whose requirements are the API baseline.
describe("route requirements (config.csrf, config.session)", () => {
  it("checks an unknown /api URL like a route: CSRF first, then the session, then 404", async () => {
    const { app, emulator } = await buildTestApp();
    const noCsrf = await app.inject({ method: "DELETE", url: "/api/me" });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe("csrf_rejected");

    const noSession = await api(app, undefined, "/api/nothing-here");
    expect(noSession.statusCode).toBe(401);
    expect(noSession.json()).toEqual({ code: "unauthenticated", message: "Sign in first." });

    const jar = await signIn(app, emulator, ADELE);
    const missing = await api(app, jar, "/api/nothing-here");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: "not_found", message: "No such API route." });
  });

  it("lets POST /logout through without a session (session: optional) but never without CSRF", async () => {
    const { app } = await buildTestApp();
    const forged = await app.inject({ method: "POST", url: "/logout" });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe("csrf_rejected");
    const signedOut = await app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1" } });
    expect(signedOut.statusCode).toBe(200);
    expect(signedOut.json().logoutUrl).toMatch(/logout/);
  });

  it("answers GET /api/session without a session (session: optional)", async () => {
    const { app } = await buildTestApp();
    const res = await api(app, undefined, "/api/session");
    expect(res.statusCode).toBe(200);
    expect(res.json().authenticated).toBe(false);
  });
});
