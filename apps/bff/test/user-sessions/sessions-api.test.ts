import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const EDGE =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";

function del(app: FastifyInstance, jar: CookieJar, url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: "DELETE", url, headers: { "x-csrf": "1", cookie: jar.header(), ...headers } });
}

async function twoBrowsers() {
  const t = await buildTestApp();
  // Each sign-in carries its browser's User-Agent through /getAToken.
  const first = await signIn(withUa(t.app, FIREFOX), t.emulator, ADELE);
  const second = await signIn(withUa(t.app, EDGE), t.emulator, ADELE);
  return { ...t, first, second };
}

/** The app with every injected request sent as `ua`. */
function withUa(app: FastifyInstance, ua: string): FastifyInstance {
  return new Proxy(app, {
    get(target, property) {
      if (property !== "inject") return Reflect.get(target, property);
      return (options: { headers?: Record<string, string> }) =>
        target.inject({ ...options, headers: { ...options.headers, "user-agent": ua } } as never);
    },
  });
}

describe("GET /api/sessions", () => {
  it("lists both sessions of the user, flags this one, names browser and OS, and hides ids", async () => {
    const { app, first, second } = await twoBrowsers();
    const res = await api(app, first, "/api/sessions");
    expect(res.statusCode).toBe(200);
    const { sessions } = res.json();
    expect(sessions).toHaveLength(2);
    const current = sessions.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ browser: "Firefox", os: "Linux" });
    expect(sessions.find((s: { current: boolean }) => !s.current)).toMatchObject({
      browser: "Microsoft Edge",
      os: "Windows",
    });
    // No handle is any part of a cookie value, and the raw User-Agent never appears.
    for (const jar of [first, second]) {
      for (const s of sessions) expect(jar.header()).not.toContain(s.handle);
    }
    expect(res.body).not.toContain("Gecko");
  });

  it("requires X-CSRF and a session like every /api route", async () => {
    const { app, first } = await twoBrowsers();
    const noCsrf = await app.inject({
      method: "GET",
      url: "/api/sessions",
      headers: { cookie: first.header() },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await api(app, undefined, "/api/sessions")).statusCode).toBe(401);
    const crossSite = await del(app, first, "/api/sessions", { "sec-fetch-site": "cross-site" });
    expect(crossSite.statusCode).toBe(403);
    expect((await api(app, first, "/api/sessions")).json().sessions).toHaveLength(2);
  });
});

describe("DELETE /api/sessions/{handle}", () => {
  it("ends another session: its cookie stops working, this one goes on", async () => {
    const { app, first, second } = await twoBrowsers();
    const { sessions } = (await api(app, first, "/api/sessions")).json();
    const other = sessions.find((s: { current: boolean }) => !s.current);
    const res = await del(app, first, `/api/sessions/${other.handle}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ended: 1 });
    expect((await api(app, second, "/api/session")).json().authenticated).toBe(false);
    expect((await api(app, first, "/api/sessions")).json().sessions).toHaveLength(1);
  });

  it("answers 404 for a handle that is not one of the user's sessions, and 400 for junk", async () => {
    const { app, first } = await twoBrowsers();
    expect((await del(app, first, "/api/sessions/AAAAAAAAAAAAAAAAAAAAAA")).json().code).toBe("not_found");
    const junk = await del(app, first, "/api/sessions/..%2f..%2fetc");
    expect(junk.statusCode).toBeGreaterThanOrEqual(400);
    expect(junk.statusCode).toBeLessThan(500);
  });

  it("cannot end another user's session", async () => {
    const { app, emulator, first } = await twoBrowsers();
    const users = emulator.users.map((u) => u.userPrincipalName).filter((u) => u !== ADELE);
    const stranger = await signIn(app, emulator, users[0] as string);
    const theirs = (await api(app, stranger, "/api/sessions")).json().sessions[0];
    expect((await del(app, first, `/api/sessions/${theirs.handle}`)).statusCode).toBe(404);
    expect((await api(app, stranger, "/api/session")).json().authenticated).toBe(true);
  });

  it("ending the current session signs this browser out like POST /logout", async () => {
    const { app, first } = await twoBrowsers();
    const mine = (await api(app, first, "/api/sessions"))
      .json()
      .sessions.find((s: { current: boolean }) => s.current);
    const res = await del(app, first, `/api/sessions/${mine.handle}`);
    expect(res.json().logoutUrl).toContain("/logout");
    first.update(res);
    expect((await api(app, first, "/api/session")).json().authenticated).toBe(false);
  });
});

describe("DELETE /api/sessions", () => {
  it("?others=true ends every other session and keeps this one", async () => {
    const { app, first, second } = await twoBrowsers();
    const res = await del(app, first, "/api/sessions?others=true");
    expect(res.json()).toEqual({ ended: 1 });
    expect((await api(app, second, "/api/session")).json().authenticated).toBe(false);
    expect((await api(app, first, "/api/session")).json().authenticated).toBe(true);
  });

  it("signs out everywhere, this browser included: cookie cleared and {logoutUrl}", async () => {
    const { app, first, second } = await twoBrowsers();
    const res = await del(app, first, "/api/sessions");
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(["logoutUrl"]);
    expect(String(res.headers["set-cookie"])).toMatch(/bff\.sid=;/);
    first.update(res);
    for (const jar of [first, second]) {
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    }
  });
});
