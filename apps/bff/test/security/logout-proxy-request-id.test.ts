import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { runDoctor } from "../../src/doctor/run.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

describe("security: POST /logout reads no body and is rate-limited", () => {
  it("refuses any body with 413 before reading it, and leaves the session alone", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    for (const [type, payload] of [
      ["text/plain", "x"],
      ["application/json", "{}"],
      ["application/x-www-form-urlencoded", "a=1"],
    ]) {
      const res = await app.inject({
        method: "POST",
        url: "/logout",
        headers: { "x-csrf": "1", cookie: jar.header(), "content-type": String(type) },
        payload,
      });
      expect(`${type} → ${res.statusCode}`).toBe(`${type} → 413`);
      expect(res.json()).toEqual({ code: "bad_request", message: expect.any(String) });
    }
    expect((await api(app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });
    // The SPA's bodiless POST still signs out.
    const out = await app.inject({
      method: "POST",
      url: "/logout",
      headers: { "x-csrf": "1", cookie: jar.header() },
    });
    expect(out.statusCode).toBe(200);
  });

  it("answers 429 rate_limited with Retry-After once a client exceeds the limit", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
    const logout = () => app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1" } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await logout()).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await logout();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "rate_limited" });
    expect(limited.headers["retry-after"]).toMatch(/^\d+$/);
  });
});

describe("security: TRUST_PROXY=true (trust every address) is refused", () => {
  it("stops the BFF with an error naming TRUST_PROXY and the fix", () => {
    let error: unknown;
    try {
      loadConfig({ TRUST_PROXY: "true" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe("TRUST_PROXY");
    expect((error as Error).message).toMatch(/hop count/);
    expect(() => loadConfig({ TRUST_PROXY: "1" })).not.toThrow();
    expect(() => loadConfig({ TRUST_PROXY: "10.0.0.0/8,192.168.1.10" })).not.toThrow();
  });

  it("is a failed check in the doctor, with the fix", async () => {
    const report = await runDoctor({ TRUST_PROXY: "true" }, { timeoutMs: 500 });
    expect(report.ok).toBe(false);
    const [configuration] = report.checks;
    expect(configuration).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("TRUST_PROXY"),
      fix: expect.stringMatching(/TRUST_PROXY=1 .*IPs\/CIDRs/),
    });
  });
});

describe("security: a client's X-Request-Id is the log's request id only from a trusted proxy", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it("ignores it when no proxy is trusted: a client cannot choose or collide log request ids", async () => {
    const { app, logs } = await buildTestApp();
    const res = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "victim-req-1" },
    });
    expect(res.headers["x-request-id"]).toMatch(UUID);
    expect(logs().some((line) => line.reqId === "victim-req-1")).toBe(false);
  });

  it("takes a well-formed one behind a trusted proxy and replaces a malformed one", async () => {
    const { app } = await buildTestApp({ env: { TRUST_PROXY: "1" } });
    const id = async (value: string) =>
      (await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": value } })).headers[
        "x-request-id"
      ];
    expect(await id("abc.DEF_123-x")).toBe("abc.DEF_123-x");
    expect(await id("a".repeat(64))).toBe("a".repeat(64));
    for (const bad of ["a".repeat(65), 'x"\n{"level":60}', "a b", "a:b", "ü", ""]) {
      expect(await id(bad), JSON.stringify(bad)).toMatch(UUID);
    }
  });
});
