import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";
import { DIEGO, FINANCE, gatedRoutes, MEGAN, SALES_AND_MARKETING } from "./helpers.js";

const routes = gatedRoutes({
  "/test/admin": { roles: ["Tasks.Admin"] },
  "/test/readers": { roles: ["Tasks.Read", "Tasks.Admin"] },
  "/test/finance": { groups: [FINANCE] },
  "/test/finance-admins": { roles: ["Tasks.Admin"], groups: [FINANCE] },
});

describe("app roles and groups in the session", () => {
  it("GET /api/session returns the roles and security groups of the ID token", async () => {
    const { app, emulator } = await buildTestApp();
    const adele = await signIn(app, emulator, ADELE);
    const body = (await api(app, adele, "/api/session")).json();
    expect(body.roles).toEqual(["Tasks.Admin"]);
    // Security groups only (SecurityGroup): not the Microsoft 365 group "All Company".
    expect(body.groups).toEqual([SALES_AND_MARKETING]);
    const diego = (await api(app, await signIn(app, emulator, DIEGO), "/api/session")).json();
    expect(diego).toMatchObject({ roles: ["Tasks.Read"], groups: [FINANCE] });
  });

  it("ENTRA_GROUPS_FILTER keeps only the listed groups", async () => {
    const { app, emulator } = await buildTestApp({ idp: () => ({ groupsFilter: new Set([FINANCE]) }) });
    const adele = await signIn(app, emulator, ADELE);
    expect((await api(app, adele, "/api/session")).json().groups).toEqual([]);
    const diego = await signIn(app, emulator, DIEGO);
    expect((await api(app, diego, "/api/session")).json().groups).toEqual([FINANCE]);
  });
});

describe("route requirements (config.requires)", () => {
  it("answers 403 forbidden without the role and 200 with it", async () => {
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    const adele = await signIn(app, emulator, ADELE);
    const megan = await signIn(app, emulator, MEGAN);
    expect((await api(app, adele, "/api/test/admin")).statusCode).toBe(200);
    const refused = await api(app, megan, "/api/test/admin");
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ code: "forbidden", message: expect.any(String) });
    // Any one of the listed roles will do.
    expect((await api(app, megan, "/api/test/readers")).statusCode).toBe(200);
  });

  it("checks groups, and both roles and groups when a route names both", async () => {
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    const adele = await signIn(app, emulator, ADELE);
    const diego = await signIn(app, emulator, DIEGO);
    expect((await api(app, diego, "/api/test/finance")).statusCode).toBe(200);
    expect((await api(app, adele, "/api/test/finance")).statusCode).toBe(403);
    expect((await api(app, diego, "/api/test/finance-admins")).statusCode).toBe(403);
    expect((await api(app, adele, "/api/test/finance-admins")).statusCode).toBe(403);
  });

  it("still answers 401 without a session and 403 csrf_rejected without X-CSRF, before the requirement", async () => {
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    expect((await api(app, undefined, "/api/test/admin")).json().code).toBe("unauthenticated");
    const adele = await signIn(app, emulator, ADELE);
    const res = await app.inject({ url: "/api/test/admin", headers: { cookie: adele.header() } });
    expect(res.json().code).toBe("csrf_rejected");
  });

  it("a removed role stops working at the next refresh, without a new sign-in", async () => {
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    // Access tokens shorter than the 5-minute renewal margin: every check refreshes first.
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const adele = await signIn(app, emulator, ADELE);
    expect((await api(app, adele, "/api/test/admin")).statusCode).toBe(200);
    emulator.setUserRoles(ADELE, ["Tasks.Read"]);
    const refused = await api(app, adele, "/api/test/admin");
    expect(refused.statusCode).toBe(403);
    expect((await api(app, adele, "/api/session")).json().roles).toEqual(["Tasks.Read"]);
    expect((await api(app, adele, "/api/test/readers")).statusCode).toBe(200);
  });

  it("a revoked refresh token at the requirement check ends the session: 401 reauth_required, not 403", async () => {
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const adele = await signIn(app, emulator, ADELE);
    emulator.revokeRefreshTokens(ADELE);
    const res = await api(app, adele, "/api/test/admin");
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("reauth_required");
    expect((await api(app, adele, "/api/session")).json().authenticated).toBe(false);
  });
});
