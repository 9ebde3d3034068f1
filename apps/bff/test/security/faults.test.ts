import { DEFAULT_CONFIG } from "@entra-bff/entra-emulator";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startEmulatorFor } from "../helpers/emulator.js";
import { freePort } from "../helpers/free-port.js";
import {
  ADELE,
  api,
  buildTestApp,
  CookieJar,
  callback,
  signIn,
  startLogin,
  type TestApp,
} from "../helpers/test-app.js";
import { until as poll } from "../helpers/until.js";
import { graphCalls } from "./helpers.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Polls `check` for up to 10 s (metadata retries back off). */
const until = (check: () => Promise<boolean> | boolean, what: string) => poll(check, what, 10_000);

/** Starts a sign-in, picks ADELE at the emulator, arms `fault`, then completes the callback. */
async function callbackDuring({ app, emulator }: TestApp, fault: () => unknown, returnTo?: string) {
  const jar = new CookieJar();
  const redirect = await emulator.signIn((await startLogin(app, jar, returnTo)).toString(), ADELE);
  fault();
  return { jar, res: await callback(app, jar, redirect) };
}

/** The same browser signs in again once the fault is over: the callback's answer. */
async function retrySignIn({ app, emulator }: TestApp, jar: CookieJar, returnTo?: string) {
  return callback(app, jar, await emulator.signIn((await startLogin(app, jar, returnTo)).toString(), ADELE));
}

/** Makes one IdP endpoint misbehave for its next requests, leaving every other request alone. */
function idpFault(fault: "503" | "hang", endpoint: { method: string; pathEnd: string }, times = 1) {
  const realFetch = globalThis.fetch;
  let left = times;
  const abortedAfterMs: number[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = init?.method ?? "GET";
    if (left > 0 && method === endpoint.method && new URL(url).pathname.endsWith(endpoint.pathEnd)) {
      left--;
      if (fault === "503") {
        return new Response("<html><body>Service Unavailable</body></html>", {
          status: 503,
          headers: { "content-type": "text/html" },
        });
      }
      const started = performance.now();
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => {
          abortedAfterMs.push(performance.now() - started);
          reject(init.signal?.reason);
        });
      });
    }
    return realFetch(input, init);
  });
  /** How long each hung request waited before the BFF's own deadline aborted it. */
  return { spy, abortedAfterMs };
}

const tokenEndpointFault = (fault: "503" | "hang", times = 1) =>
  idpFault(fault, { method: "POST", pathEnd: "/oauth2/v2.0/token" }, times);

describe("security: faults at the IdP", () => {
  it("keeps retrying unreachable IdP metadata with backoff, stays not ready and logs why, then recovers", async () => {
    const port = await freePort();
    const client = DEFAULT_CONFIG.clients[0];
    if (!client) throw new Error("the default tenant has no client");
    const idpUrl = `http://127.0.0.1:${port}`;
    const { app, logs } = await buildTestApp({
      config: {
        idp: {
          mode: "entra",
          tenantId: DEFAULT_CONFIG.tenant.id,
          clientId: client.clientId,
          credential: { kind: "secret", secret: client.clientSecrets[0] ?? "" },
          authorityHost: idpUrl,
          graphBaseUrl: idpUrl,
          emulator: true,
        },
      },
    });
    const failures = () =>
      logs().filter((line) => String(line.msg).includes("cannot load the identity provider"));
    await until(() => failures().length >= 3, "three failed metadata attempts");
    const delays = failures().map((line) => Number(line.retryInMs));
    expect(delays[1]).toBeGreaterThan(Number(delays[0]));
    expect(delays[2]).toBeGreaterThan(Number(delays[1]));
    expect(failures()[0]).toMatchObject({ level: 50, discoveryUrl: expect.stringContaining(idpUrl) });
    const notReady = await app.inject({ method: "GET", url: "/readyz" });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      status: "not_ready",
      checks: { store: true, idpMetadata: false, draining: false },
    });

    const emulator = await startEmulatorFor({ port });
    try {
      await until(
        async () => (await app.inject({ method: "GET", url: "/readyz" })).statusCode === 200,
        "readiness after the IdP came back",
      );
      const jar = await signIn(app, emulator, ADELE);
      expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it("shows the IdP-unavailable page when the token endpoint answers 5xx during the callback, and a retry works", async () => {
    const started = await buildTestApp();
    const { jar, res } = await callbackDuring(started, () => tokenEndpointFault("503"), "/profile");
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("Sign-in is unavailable right now");
    expect(res.body).toContain('href="/login?returnTo=%2Fprofile"');
    expect(jar.cookies.has("bff.sid")).toBe(false);
    expect(await started.store.count("sess:")).toBe(0);

    const retry = await retrySignIn(started, jar, "/profile");
    expect(retry.statusCode).toBe(302);
    expect(retry.headers.location).toBe("/profile");
  });

  it("gives up on a token endpoint that never answers after IDP_TIMEOUT_MS, shows the page, and a retry works", async () => {
    const started = await buildTestApp({ env: { IDP_TIMEOUT_MS: "300" } });
    const { jar, res } = await callbackDuring(started, () => tokenEndpointFault("hang"));
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("Sign-in is unavailable right now");
    expect(jar.cookies.has("bff.sid")).toBe(false);
    const retry = await retrySignIn(started, jar);
    expect(retry.statusCode).toBe(302);
  });

  // A hung request is aborted by the BFF's own deadline: IDP_TIMEOUT_MS (300 ms here), not a
  // built-in 5 s. The bound is loose on purpose (a loaded machine delays timers), yet far below 5 s.
  it("abandons a discovery request that never answers after IDP_TIMEOUT_MS and retries it", async () => {
    const hang = idpFault("hang", { method: "GET", pathEnd: "/.well-known/openid-configuration" });
    const { app } = await buildTestApp({ env: { IDP_TIMEOUT_MS: "300" } });
    await until(async () => (await app.inject("/readyz")).statusCode === 200, "metadata after a retry");
    expect(hang.abortedAfterMs).toHaveLength(1);
    expect(hang.abortedAfterMs[0]).toBeLessThan(2500);
  });

  it("gives up on a JWKS endpoint that never answers after IDP_TIMEOUT_MS, shows the page, and a retry works", async () => {
    const started = await buildTestApp({ env: { IDP_TIMEOUT_MS: "300" } });
    let hang: ReturnType<typeof idpFault> | undefined;
    const { jar, res } = await callbackDuring(started, () => {
      hang = idpFault("hang", { method: "GET", pathEnd: "/discovery/v2.0/keys" });
    });
    expect(hang?.abortedAfterMs).toHaveLength(1);
    expect(hang?.abortedAfterMs[0]).toBeLessThan(2500);
    expect(res.statusCode).toBe(502);
    expect(res.body).toContain("the signing keys could not be fetched in time");
    expect(jar.cookies.has("bff.sid")).toBe(false);
    const retry = await retrySignIn(started, jar);
    expect(retry.statusCode).toBe(302);
  });

  it("fetches the JWKS once after the IdP rotates its keys, not once per sign-in or per forged kid", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const { app, emulator } = await buildTestApp();
    const keyFetches = () => emulator.requests({ path: "/discovery/v2.0/keys" }).length;
    await signIn(app, emulator, ADELE);
    expect(keyFetches()).toBe(1);
    await signIn(app, emulator, ADELE);
    expect(keyFetches()).toBe(1);

    emulator.rotateKeys({ keepOld: false });
    vi.setSystemTime(Date.now() + 60_000); // past the JWKS refetch cooldown
    for (let i = 0; i < 3; i++) await signIn(app, emulator, ADELE);
    expect(keyFetches()).toBe(2);

    // Tokens naming unknown kids cannot make the BFF hammer the IdP's key endpoint.
    for (let i = 0; i < 3; i++) {
      const jar = new CookieJar();
      const redirect = await emulator.signIn((await startLogin(app, jar)).toString(), ADELE);
      emulator.issueHostileIdToken("unknown-kid");
      expect((await callback(app, jar, redirect)).statusCode).toBe(502);
    }
    expect(keyFetches()).toBeLessThanOrEqual(3);
  });
});

describe("security: faults at Graph", () => {
  it("honours Retry-After during a 429 storm: after the first 429 no request reaches Graph until it has passed", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);
    emulator.graphFault({ status: 429, retryAfter: 1, count: 1000 });
    const first = await api(app, jar, "/api/me");
    expect(first.statusCode).toBe(429);
    expect(graphCalls(emulator)).toEqual(["GET /v1.0/me"]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => api(app, jar, "/api/me")));
    for (const res of answers) {
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe("rate_limited");
      expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
    expect(graphCalls(emulator)).toEqual(["GET /v1.0/me"]);

    emulator.graphFault(null);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);
  });

  it("keeps one user's Graph throttling from blocking another user", async () => {
    const { app, emulator } = await buildTestApp();
    const adele = await signIn(app, emulator, ADELE);
    const megan = await signIn(app, emulator, "MeganB@M365x214355.onmicrosoft.com");
    emulator.graphFault({ status: 429, retryAfter: 30, count: 1 });
    expect((await api(app, adele, "/api/me")).statusCode).toBe(429);
    expect((await api(app, megan, "/api/me")).statusCode).toBe(200);
  });
});
