import { describe, expect, it } from "vitest";
import { ADELE, api, callback, signIn } from "../helpers/test-app.js";
import {
  buildApisApp,
  jwtClaims,
  NOTES_APP_ID,
  NOTES_SCOPE,
  startUpstream,
  TASKS_APP_ID,
  TASKS_SCOPE,
} from "./setup.js";

async function twoApis(options: { consented?: boolean } = {}) {
  const upstream = await startUpstream();
  const t = await buildApisApp(
    [
      { prefix: "/api/tasks", upstream: `${upstream.url}/tasks`, token: "user", scopes: [TASKS_SCOPE] },
      { prefix: "/api/notes", upstream: `${upstream.url}/notes`, token: "user", scopes: [NOTES_SCOPE] },
      // The emulator issues app-only tokens for Graph only.
      {
        prefix: "/api/daemon",
        upstream: `${upstream.url}/daemon`,
        token: "app",
        scopes: ["https://graph.microsoft.com/.default"],
      },
    ],
    options,
  );
  return { t, upstream };
}

describe("a token per resource from the one refresh token", () => {
  it("sends each API a token with its own aud and scp, and never the Graph token", async () => {
    const { t, upstream } = await twoApis();
    const jar = await signIn(t.app, t.emulator, ADELE);
    expect((await api(t.app, jar, "/api/tasks/1")).statusCode).toBe(200);
    expect((await api(t.app, jar, "/api/notes")).statusCode).toBe(200);
    const [tasks, notes] = upstream.received.map((entry) => jwtClaims(entry.headers.authorization));
    expect(tasks).toMatchObject({ aud: TASKS_APP_ID, scp: "Tasks.ReadWrite", ver: "2.0" });
    expect(notes).toMatchObject({ aud: NOTES_APP_ID, scp: "Notes.Read" });
    // Graph still gets its own token.
    expect((await api(t.app, jar, "/api/me")).statusCode).toBe(200);
  });

  it("redeems the one refresh token once per resource, then serves both from the cache", async () => {
    const { t } = await twoApis();
    const jar = await signIn(t.app, t.emulator, ADELE);
    const refreshes = () => t.emulator.requests({ grantType: "refresh_token" }).length;
    const before = refreshes();
    await Promise.all([
      api(t.app, jar, "/api/tasks"),
      api(t.app, jar, "/api/tasks"),
      api(t.app, jar, "/api/notes"),
    ]);
    expect(refreshes() - before).toBe(2);
    await Promise.all([api(t.app, jar, "/api/tasks"), api(t.app, jar, "/api/notes")]);
    expect(refreshes() - before).toBe(2);
  });

  it("sends an app-only token (client credentials) for token: app", async () => {
    const { t, upstream } = await twoApis();
    const jar = await signIn(t.app, t.emulator, ADELE);
    expect((await api(t.app, jar, "/api/daemon")).statusCode).toBe(200);
    const claims = jwtClaims(upstream.received[0]?.headers.authorization);
    expect(String(claims.aud)).toMatch(/graph\.microsoft\.com|00000003-0000-0000-c000-000000000000/);
    expect(claims.scp).toBeUndefined();
    expect(claims.idtyp).toBe("app");
    expect(claims.oid).not.toBe((await api(t.app, jar, "/api/session")).json().user.oid);
  });
});

describe("consent and step-up keep the session", () => {
  it("consent_required → /login with exactly the API's scopes → success", async () => {
    const { t, upstream } = await twoApis({ consented: false });
    const jar = await signIn(t.app, t.emulator, ADELE);
    const res = await api(t.app, jar, "/api/tasks", { referer: "http://localhost:5000/tasks?x=1" });
    expect(res.statusCode).toBe(401);
    const body = res.json();
    expect(body.code).toBe("consent_required");
    const loginUrl = new URL(body.loginUrl, "http://localhost:5000");
    expect(loginUrl.pathname).toBe("/login");
    expect(loginUrl.searchParams.get("scopes")).toBe(TASKS_SCOPE);
    expect(loginUrl.searchParams.get("returnTo")).toBe("/tasks?x=1");
    expect(upstream.received).toHaveLength(0);
    // The session is alive: the Graph call and the session still work.
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(true);
    expect((await api(t.app, jar, "/api/me")).statusCode).toBe(200);
    const consent = t.logs().find((line) => line.event === "api.consent_required");
    expect(consent).toMatchObject({ api: "/api/tasks" });
    expect(await t.app.metrics.registry.metrics()).toMatch(
      /bff_api_interactions_total\{api="\/api\/tasks",kind="consent_required"\} 1/,
    );

    const login = await t.app.inject({
      method: "GET",
      url: `${loginUrl.pathname}${loginUrl.search}`,
      headers: { cookie: jar.header() },
    });
    expect(login.statusCode).toBe(302);
    jar.update(login);
    const authorize = new URL(String(login.headers.location));
    expect(authorize.searchParams.get("scope")?.split(" ")).toContain(TASKS_SCOPE);
    expect(authorize.searchParams.get("scope")?.split(" ")).not.toContain(NOTES_SCOPE);
    const back = await callback(t.app, jar, await t.emulator.signIn(authorize.toString(), ADELE));
    expect(back.headers.location).toBe("/tasks?x=1");
    const after = await api(t.app, jar, "/api/tasks");
    expect(after.statusCode).toBe(200);
    expect(jwtClaims(upstream.received[0]?.headers.authorization)).toMatchObject({ aud: TASKS_APP_ID });
  });

  it("refuses /login?scopes= with a scope no declared API uses", async () => {
    const { t } = await twoApis();
    const res = await t.app.inject({
      method: "GET",
      url: "/login?scopes=https%3A%2F%2Fgraph.microsoft.com%2FMail.ReadWrite",
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it("turns the API's insufficient_claims challenge into step_up_required with the decoded claims", async () => {
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: "c1" } } });
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": `Bearer realm="tasks-api", error="insufficient_claims", claims="${Buffer.from(claims).toString("base64")}"`,
      });
      response.end(JSON.stringify({ code: "insufficient_claims" }));
    });
    const t = await buildApisApp([
      { prefix: "/api/tasks", upstream: upstream.url, token: "user", scopes: [TASKS_SCOPE] },
    ]);
    const jar = await signIn(t.app, t.emulator, ADELE);
    const res = await api(t.app, jar, "/api/tasks");
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("step_up_required");
    const loginUrl = new URL(res.json().loginUrl, "http://localhost:5000");
    expect(loginUrl.searchParams.get("claims")).toBe(claims);
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(true);
    const login = await t.app.inject({ method: "GET", url: `${loginUrl.pathname}${loginUrl.search}` });
    const authorize = new URL(String(login.headers.location));
    // MSAL adds its own id_token claims; the API's access_token challenge goes to Entra as is.
    expect(JSON.parse(authorize.searchParams.get("claims") ?? "{}").access_token).toEqual(
      JSON.parse(claims).access_token,
    );
    expect(authorize.searchParams.get("scope")?.split(" ")).toContain(TASKS_SCOPE);
    expect(t.logs().some((line) => line.event === "api.step_up_required")).toBe(true);
  });

  it("turns Entra's claims challenge at refresh into step_up_required, not a dead session", async () => {
    const { t } = await twoApis();
    const jar = await signIn(t.app, t.emulator, ADELE);
    const claims = JSON.stringify({ access_token: { capolids: { essential: true, values: ["x"] } } });
    t.emulator.queueError("token", 50076, {
      grantType: "refresh_token",
      error: "interaction_required",
      claims,
    });
    const res = await api(t.app, jar, "/api/tasks");
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("step_up_required");
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it("still ends the session when the refresh token itself is dead", async () => {
    const { t } = await twoApis();
    const jar = await signIn(t.app, t.emulator, ADELE);
    t.emulator.revokeRefreshTokens(ADELE);
    const res = await api(t.app, jar, "/api/tasks");
    expect(res.statusCode).toBe(401);
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(false);
  });
});

describe("a 401 from the API", () => {
  async function refusing(times: number) {
    let refused = 0;
    const upstream = await startUpstream((_request, response) => {
      if (refused < times) {
        refused += 1;
        response.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' });
        return response.end();
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
    const t = await buildApisApp([
      { prefix: "/api/tasks", upstream: upstream.url, token: "user", scopes: [TASKS_SCOPE] },
    ]);
    const jar = await signIn(t.app, t.emulator, ADELE);
    return { t, jar, upstream };
  }

  it("gets one forced refresh and a retry with the new token", async () => {
    const { t, jar, upstream } = await refusing(1);
    const res = await api(t.app, jar, "/api/tasks");
    expect(res.statusCode).toBe(200);
    const [first, second] = upstream.received.map((entry) => entry.headers.authorization);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it("refused twice answers 502 upstream_error and keeps the session", async () => {
    const { t, jar, upstream } = await refusing(2);
    const res = await api(t.app, jar, "/api/tasks");
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("upstream_error");
    expect(upstream.received).toHaveLength(2);
    expect((await api(t.app, jar, "/api/session")).json().authenticated).toBe(true);
  });
});
