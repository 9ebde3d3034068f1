import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { aadstsLabel } from "../src/metrics.js";
import { type KeyValueStore, StoreUnavailableError } from "../src/session/kv-store.js";
import { createMemoryStore } from "../src/session/memory-store.js";
import { ADELE, api, buildTestApp, CookieJar, callback, signIn, startLogin } from "./helpers/test-app.js";

const TOKEN = "a-metrics-bearer-token-for-tests-0123456789";

async function scrape(app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: "GET",
    url: "/metrics",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

/** The value of one sample, or undefined when the series does not exist. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

function withMetrics() {
  return buildTestApp({ env: { METRICS_TOKEN: TOKEN } });
}

describe("GET /metrics", () => {
  it("does not exist unless METRICS_TOKEN is set", async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain("bff_");
  });

  it.each([
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer not-the-token"],
    ["the token with a different scheme", `Basic ${TOKEN}`],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, -1)}`],
    ["the token with extra characters", `Bearer ${TOKEN}x`],
  ])("answers 401 with %s", async (_name, authorization) => {
    const { app } = await withMetrics();
    const res = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: authorization ? { authorization } : {},
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("unauthenticated");
    expect(res.body).not.toContain("bff_");
  });

  it("counts a sign-in, the active session and request durations by route pattern", async () => {
    const { app, emulator } = await withMetrics();
    const jar = await signIn(app, emulator, ADELE);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    await app.inject({ method: "GET", url: "/no/such/page-4711?secret=1" });

    const text = await scrape(app);
    expect(sample(text, "bff_sign_ins_total", { result: "success" })).toBe(1);
    expect(sample(text, "bff_active_sessions")).toBe(1);
    expect(
      sample(text, "bff_http_request_duration_seconds_count", {
        method: "GET",
        route: "/api/me",
        status_code: "200",
      }),
    ).toBe(1);
    expect(
      sample(text, "bff_http_request_duration_seconds_count", { route: "/getAToken", status_code: "302" }),
    ).toBe(1);
    expect(
      sample(text, "bff_http_request_duration_seconds_count", { route: "unmatched" }),
    ).toBeGreaterThanOrEqual(1);
    // Raw URLs never become labels: unbounded cardinality and a leak of query values.
    expect(text).not.toContain("page-4711");
    expect(text).not.toContain("secret=1");
    expect(
      sample(text, "bff_session_store_operation_duration_seconds_count", { operation: "setIfAbsent" }),
    ).toBeGreaterThan(0);
    // Process metrics come with the endpoint.
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThanOrEqual(0);
  });

  it("counts a failed sign-in with its AADSTS code", async () => {
    const { app, emulator } = await withMetrics();
    emulator.queueError("authorize", 50105);
    const jar = new CookieJar();
    await callback(app, jar, await emulator.signIn((await startLogin(app, jar)).toString(), ADELE));
    await app.inject({ method: "GET", url: "/getAToken?code=x&state=not-a-valid-state" });

    const text = await scrape(app);
    expect(
      sample(text, "bff_sign_ins_total", { result: "failure", kind: "entra_error", aadsts: "50105" }),
    ).toBe(1);
    expect(
      sample(text, "bff_sign_ins_total", { result: "failure", kind: "state_invalid", aadsts: "none" }),
    ).toBe(1);
    expect(sample(text, "bff_sign_ins_total", { result: "success" })).toBeUndefined();
  });

  it("counts a token refresh, and a failed one with the session it ended", async () => {
    const { app, emulator } = await withMetrics();
    emulator.setTokenLifetimes({ accessTokenSeconds: 240 }); // due for renewal at once
    const jar = await signIn(app, emulator, ADELE);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    let text = await scrape(app);
    expect(sample(text, "bff_token_refreshes_total", { result: "success" })).toBe(1);
    expect(sample(text, "bff_token_refreshes_total", { result: "failure" })).toBeUndefined();

    emulator.revokeRefreshTokens(ADELE);
    const dead = await api(app, jar, "/api/me");
    expect(dead.statusCode).toBe(401);
    expect(dead.json().code).toBe("reauth_required");
    text = await scrape(app);
    expect(sample(text, "bff_token_refreshes_total", { result: "failure" })).toBe(1);
    expect(sample(text, "bff_sessions_ended_total", { reason: "reauth_required" })).toBe(1);
    expect(sample(text, "bff_active_sessions")).toBe(0);
  });

  it("counts session-store errors by operation", async () => {
    const memory = createMemoryStore();
    let down = false;
    const flaky: KeyValueStore = {
      ...memory,
      kind: "memory",
      get: (key) => (down ? Promise.reject(new StoreUnavailableError("down")) : memory.get(key)),
      ping: () => (down ? Promise.reject(new StoreUnavailableError("down")) : memory.ping()),
    };
    const { app, emulator } = await buildTestApp({ env: { METRICS_TOKEN: TOKEN }, store: flaky });
    const jar = await signIn(app, emulator, ADELE);
    down = true;
    expect((await api(app, jar, "/api/me")).statusCode).toBe(503);
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);

    const text = await scrape(app);
    expect(sample(text, "bff_session_store_errors_total", { operation: "get" })).toBe(1);
    expect(sample(text, "bff_session_store_errors_total", { operation: "ping" })).toBe(1);
    expect(
      sample(text, "bff_http_request_duration_seconds_count", { route: "/api/me", status_code: "503" }),
    ).toBe(1);
  });

  it("keeps the metrics of two apps in one process apart", async () => {
    const one = await withMetrics();
    const two = await withMetrics();
    await signIn(one.app, one.emulator, ADELE);
    expect(sample(await scrape(one.app), "bff_sign_ins_total", { result: "success" })).toBe(1);
    expect(sample(await scrape(two.app), "bff_sign_ins_total", { result: "success" })).toBeUndefined();
  });
});

describe("aadstsLabel", () => {
  it("keeps label values bounded: known codes as themselves, others as 'other'", () => {
    expect(aadstsLabel(50105)).toBe("50105");
    expect(aadstsLabel(99999999)).toBe("other");
    expect(aadstsLabel(undefined)).toBe("none");
  });
});
