import { describe, expect, it } from "vitest";
import { api, buildTestApp, CookieJar, callback, signIn, startLogin } from "../helpers/test-app.js";
import { GRADY, gatedRoutes, projectGroup, withClient } from "./helpers.js";

const memberGroupsCalls = (emulator: { requests(o: { path: string }): unknown[] }) =>
  emulator.requests({ path: "/v1.0/me/getMemberGroups" }).length;

describe("groups overage (more than 200 groups)", () => {
  it("resolves the groups once through Graph getMemberGroups and keeps them for the session", async () => {
    const routes = gatedRoutes({ "/test/project-7": { groups: [projectGroup(7)] } });
    const { app, emulator } = await buildTestApp({ apiPlugins: [routes] });
    emulator.setTokenLifetimes({ accessTokenSeconds: 120 });
    const grady = await signIn(app, emulator, GRADY);
    const session = (await api(app, grady, "/api/session")).json();
    expect(session.groups).toHaveLength(250);
    expect(session.groups).toContain(projectGroup(250));
    // Each gated request refreshes (short-lived access token): the new ID token is an overage too,
    // and the groups resolved at sign-in stay — Graph is not asked again.
    expect((await api(app, grady, "/api/test/project-7")).statusCode).toBe(200);
    expect((await api(app, grady, "/api/test/project-7")).statusCode).toBe(200);
    expect((await api(app, grady, "/api/session")).json().groups).toHaveLength(250);
    expect(emulator.requests({ path: "/token", grantType: "refresh_token" }).length).toBeGreaterThan(0);
    expect(memberGroupsCalls(emulator)).toBe(1);
  });

  it("keeps only ENTRA_GROUPS_FILTER's groups from Graph's answer", async () => {
    const filter = new Set([projectGroup(3), projectGroup(42), "00000000-0000-4000-8000-000000000001"]);
    const { app, emulator } = await buildTestApp({ idp: () => ({ groupsFilter: filter }) });
    const grady = await signIn(app, emulator, GRADY);
    expect((await api(app, grady, "/api/session")).json().groups.sort()).toEqual(
      [projectGroup(3), projectGroup(42)].sort(),
    );
  });

  it("refuses the sign-in with a page naming GroupMember.Read.All when the app may not read groups", async () => {
    const { app, emulator } = await buildTestApp({
      emulatorConfig: withClient({ permissions: ["User.Read"], adminConsent: ["User.Read"] }),
    });
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), GRADY);
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(502);
    expect(res.body).toContain("GroupMember.Read.All");
    expect(res.body).toContain("admin consent");
    // No session: never "signed in with no groups".
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
  });

  it("refuses the sign-in with a try-again page when Graph cannot answer the groups query", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), GRADY);
    emulator.graphFault({ status: 503, count: 1 });
    const res = await callback(app, jar, redirect);
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("group memberships could not be read");
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
  });
});
