import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

function brokenStore() {
  const store = createMemoryStore();
  let broken = false;
  const fail = () => Promise.reject(new StoreUnavailableError("store down"));
  return {
    store: new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function" || prop === "close") return value;
        return (...args: unknown[]) => (broken ? fail() : value.apply(target, args));
      },
    }),
    breakIt: () => {
      broken = true;
    },
  };
}

describe("GET /healthz and /readyz", () => {
  it("answers ready when the store answers and the IdP metadata is loaded", async () => {
    const { app } = await buildTestApp();
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  it("answers 503 naming the store when it is unreachable", async () => {
    const { store, breakIt } = brokenStore();
    const { app } = await buildTestApp({ store });
    breakIt();
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: "not_ready",
      checks: { store: false, idpMetadata: true, draining: false },
    });
  });
});

describe("a session store outage", () => {
  it("fails closed with 503 session_store_unavailable on /api", async () => {
    const { store, breakIt } = brokenStore();
    const { app, emulator } = await buildTestApp({ store });
    const jar = await signIn(app, emulator, ADELE);
    breakIt();
    const res = await api(app, jar, "/api/me");
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("session_store_unavailable");
  });

  it("shows a clear page on /login", async () => {
    const { store, breakIt } = brokenStore();
    const { app } = await buildTestApp({ store });
    breakIt();
    const res = await app.inject({ method: "GET", url: "/login" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("Sign-in is unavailable right now");
  });
});

describe("security headers", () => {
  it("sends a strict CSP, no-referrer, nosniff, frame-ancestors none, no HSTS over http", async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: "GET", url: "/healthz" });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
  });

  it("uses __Host- Secure cookies and HSTS when PUBLIC_URL is https", async () => {
    const { app } = await buildTestApp({
      env: { PUBLIC_URL: "https://app.contoso.test", TRUST_PROXY: "1" },
    });
    const res = await app.inject({ method: "GET", url: "/login", headers: { "x-forwarded-proto": "https" } });
    expect(res.headers["strict-transport-security"]).toBeDefined();
    const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).join("\n");
    expect(cookie).toMatch(/^__Host-bff\.login=[^;]+;.*Secure/m);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("rate-limits /login per client", async () => {
    const { app } = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: "GET", url: "/login" })).statusCode);
    expect(codes).toEqual([302, 302, 302, 429]);
  });
});
