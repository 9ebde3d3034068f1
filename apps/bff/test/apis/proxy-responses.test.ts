import { describe, expect, it } from "vitest";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { buildApisApp, startUpstream } from "./setup.js";

async function through(handle: Parameters<typeof startUpstream>[0], entry: Record<string, unknown> = {}) {
  const upstream = await startUpstream(handle);
  const t = await buildApisApp([{ prefix: "/api/up", upstream: upstream.url, ...entry }]);
  const jar = await signIn(t.app, t.emulator, ADELE);
  return { t, upstream, get: (path = "/api/up/x") => api(t.app, jar, path) };
}

describe("upstream responses through a declared API", () => {
  it("passes a 4xx JSON error of the API through unchanged", async () => {
    const { get } = await through((_q, response) => {
      response.writeHead(422, { "content-type": "application/json" });
      response.end(JSON.stringify({ code: "title_too_long", message: "Too long." }));
    });
    const res = await get();
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ code: "title_too_long", message: "Too long." });
  });

  it("maps a non-JSON 5xx to 502 upstream_error without the upstream's page", async () => {
    const { get } = await through((_q, response) => {
      response.writeHead(500, { "content-type": "text/html" });
      response.end("<h1>stack trace at db.js:42</h1>");
    });
    const res = await get();
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("upstream_error");
    expect(res.body).not.toContain("db.js");
  });

  it("strips Set-Cookie and hop-by-hop headers from the response", async () => {
    const { get } = await through((_q, response) => {
      response.setHeader("set-cookie", ["bff.sid=evil; Path=/"]);
      response.setHeader("x-kept", "yes");
      response.setHeader("proxy-authenticate", "Basic");
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["proxy-authenticate"]).toBeUndefined();
    expect(res.headers["x-kept"]).toBe("yes");
  });

  it("answers 504 upstream_timeout when the API does not answer in time", async () => {
    const { get } = await through(() => {}, { timeoutMs: 200 });
    const res = await get();
    expect(res.statusCode).toBe(504);
    expect(res.json().code).toBe("upstream_timeout");
  });

  it("answers 502 upstream_unavailable when the API is down", async () => {
    const t = await buildApisApp([{ prefix: "/api/up", upstream: "http://127.0.0.1:1" }]);
    const jar = await signIn(t.app, t.emulator, ADELE);
    const res = await api(t.app, jar, "/api/up");
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("upstream_unavailable");
  });

  it("limits requests per minute per session: 429 rate_limited with Retry-After", async () => {
    const { get, upstream } = await through(undefined, { rateLimitPerMinute: 2 });
    expect((await get()).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200);
    const res = await get();
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("rate_limited");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(upstream.received).toHaveLength(2);
  });

  it("limits concurrent upstream calls per session", async () => {
    let finish: () => void = () => {};
    const { get } = await through(
      (_q, response) => {
        finish = () => response.end("{}");
      },
      { maxConcurrentPerSession: 1 },
    );
    const first = get("/api/up/slow");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await get("/api/up/slow");
    expect(second.statusCode).toBe(429);
    finish();
    expect((await first).statusCode).toBe(200);
  });

  it("times every upstream call in /metrics per API prefix and status", async () => {
    const { t, get } = await through(undefined);
    await get();
    const text = await t.app.metrics.registry.metrics();
    expect(text).toMatch(/bff_api_upstream_duration_seconds_count\{api="\/api\/up",status="200"\} 1/);
  });
});
