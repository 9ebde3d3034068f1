import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { type EventStream, openEventStream } from "../helpers/sse.js";
import { ADELE, api, buildTestApp, type CookieJar, signIn } from "../helpers/test-app.js";
import { fleetsOnSharedRedis } from "../scale/fleet.js";

const streams: EventStream[] = [];
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function stream(
  base: string,
  jar: CookieJar,
  headers: Record<string, string> = { "sec-fetch-site": "same-origin" },
) {
  const s = await openEventStream(`${base}/api/session/events`, { cookie: jar.header(), ...headers });
  streams.push(s);
  return s;
}

function endOthers(app: FastifyInstance, jar: CookieJar) {
  return app.inject({
    method: "DELETE",
    url: "/api/sessions?others=true",
    headers: { "x-csrf": "1", cookie: jar.header() },
  });
}

describe("GET /api/session/events", () => {
  it("tells a browser its session was ended from another browser", async () => {
    const { app, emulator } = await buildTestApp();
    const watched = await signIn(app, emulator, ADELE);
    const other = await signIn(app, emulator, ADELE);
    const events = await stream(await listen(app), watched);
    expect(events.status).toBe(200);
    expect(events.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect((await endOthers(app, other)).json()).toEqual({ ended: 1 });
    await events.waitFor("session-ended");
  });

  it("is refused without a same-origin Sec-Fetch-Site or Origin, and without a session", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const get = (headers: Record<string, string>) =>
      app.inject({
        method: "GET",
        url: "/api/session/events",
        headers: { cookie: jar.header(), ...headers },
      });
    const refused: Array<Record<string, string>> = [
      {},
      { "x-csrf": "1" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
    ];
    for (const headers of refused) {
      const res = await get(headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("csrf_rejected");
    }
    const anonymous = await app.inject({
      method: "GET",
      url: "/api/session/events",
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it("neither the stream nor the focus check keeps the session alive", async () => {
    const { app, emulator } = await buildTestApp({
      config: { sessionIdleMs: 1500 },
      sessionTiming: { touchIntervalMs: 1 },
    });
    const jar = await signIn(app, emulator, ADELE);
    const base = await listen(app);
    await stream(base, jar);
    const deadline = Date.now() + 4000;
    let authenticated = true;
    while (authenticated && Date.now() < deadline) {
      authenticated = (await api(app, jar, "/api/session/state")).json().authenticated;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(authenticated).toBe(false);
  });

  it('"Stay signed in" (POST /api/session/touch) moves the idle timeout at once', async () => {
    const { app, emulator } = await buildTestApp({ config: { sessionIdleMs: 2000 } });
    const jar = await signIn(app, emulator, ADELE);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 1200));
    await pause();
    const touch = await app.inject({
      method: "POST",
      url: "/api/session/touch",
      headers: { "x-csrf": "1", cookie: jar.header() },
    });
    expect(touch.json()).toMatchObject({ authenticated: true, idleTimeoutMs: 2000 });
    await pause();
    // 2.4 s after sign-in, past the 2 s idle timeout: alive only because of the touch.
    expect((await api(app, jar, "/api/session/state")).json().authenticated).toBe(true);
  });

  it("the focus check says when the idle timeout ends", async () => {
    const { app, emulator, config } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    const state = (await api(app, jar, "/api/session/state")).json();
    expect(state.authenticated).toBe(true);
    const left = Date.parse(state.idleExpiresAt) - Date.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(config.sessionIdleMs);
    expect((await api(app, undefined, "/api/session/state")).json()).toEqual({ authenticated: false });
  });
});

describe("session events across instances", () => {
  const newFleet = fleetsOnSharedRedis();

  it("a stream on A hears a sign-out everywhere done on B (Redis pub/sub)", async () => {
    const fleet = await newFleet();
    const [a, b] = fleet.instances as [(typeof fleet.instances)[0], (typeof fleet.instances)[0]];
    const watched = await signIn(a.app, fleet.emulator, ADELE);
    const other = await signIn(b.app, fleet.emulator, ADELE);
    const events = await stream(await listen(a.app), watched);
    expect(events.status).toBe(200);
    expect((await endOthers(b.app, other)).json()).toEqual({ ended: 1 });
    await events.waitFor("session-ended");
  });
});
