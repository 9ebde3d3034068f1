import type { Emulator } from "@entra-bff/entra-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulatorFor } from "../helpers/emulator.js";
import { freePort } from "../helpers/free-port.js";
import { signInOverHttp, startServerProcess } from "../helpers/server-process.js";
import { ADELE } from "../helpers/test-app.js";
import { until } from "../helpers/until.js";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  type RecordingProxy,
  startOtlpReceiver,
  startRecordingProxy,
} from "./otlp-receiver.js";

const MEGAN = "MeganB@M365x214355.onmicrosoft.com";
const SESSION_SECRET = "an-otel-test-session-secret-long-enough-0123456789";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Setup {
  base: string;
  emulator: Emulator;
  receiver: OtlpReceiver;
  graph: RecordingProxy;
}

/** The BFF process with a real-tenant config on the emulator, Graph behind a recording proxy. */
async function start(env: Record<string, string> = {}): Promise<Setup & { stdout: () => string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const emulator = await startEmulatorFor({ publicUrl: base });
  closers.push(() => emulator.close());
  const receiver = await startOtlpReceiver();
  closers.push(() => receiver.close());
  const graph = await startRecordingProxy(emulator.graphBaseUrl);
  closers.push(() => graph.close());
  const server = startServerProcess({
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: base,
    ENTRA_TENANT_ID: emulator.tenantId,
    ENTRA_CLIENT_ID: emulator.client.clientId,
    ENTRA_CLIENT_SECRET: emulator.client.clientSecret,
    ENTRA_EMULATOR_URL: emulator.url,
    GRAPH_BASE_URL: graph.url,
    SESSION_SECRET,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "100",
    OTEL_SERVICE_NAME: "bff-under-test",
    ...env,
  });
  await server.waitFor(/"event":"startup"/);
  return { base, emulator, receiver, graph, stdout: server.stdout };
}

const children = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId);

describe("OpenTelemetry traces over OTLP/HTTP", { timeout: 60_000 }, () => {
  it("exports a span per request with children for the store, tokens and Graph, and propagates traceparent", async () => {
    const { base, emulator, receiver, graph } = await start();
    const adele = await signInOverHttp(base, emulator, ADELE);
    const me = await fetch(`${base}/api/me?debug=a-query-value`, {
      headers: { cookie: adele.cookie, "x-csrf": "1" },
    });
    expect(me.status).toBe(200);
    // A short-lived access token: every call refreshes it; then a revoked refresh token fails.
    emulator.setTokenLifetimes({ accessTokenSeconds: 60 });
    const megan = await signInOverHttp(base, emulator, MEGAN);
    expect((await fetch(`${base}/api/me`, { headers: { cookie: megan.cookie, "x-csrf": "1" } })).status).toBe(
      200,
    );
    emulator.revokeRefreshTokens(MEGAN);
    const dead = await fetch(`${base}/api/me`, { headers: { cookie: megan.cookie, "x-csrf": "1" } });
    expect(dead.status).toBe(401);

    const spans = receiver.spans;
    const requests = await until(
      () => {
        const found = spans.filter((span) => span.name === "GET /api/me" && span.kind === 2);
        return found.length === 3 ? found : undefined;
      },
      "three GET /api/me spans",
      15_000,
    );
    expect([...receiver.services]).toEqual(["bff-under-test"]);
    const [cached, refreshed, failed] = requests as [ReceivedSpan, ReceivedSpan, ReceivedSpan];

    // The request span: route pattern and status, never the URL or its query.
    expect(cached.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/api/me",
      "http.response.status_code": 200,
    });
    expect(cached.parentSpanId ?? "").toBe("");
    expect(failed.attributes["http.response.status_code"]).toBe(401);
    expect(
      spans.some((span) => span.name === "GET /getAToken" && span.attributes["http.route"] === "/getAToken"),
    ).toBe(true);

    // Children of the first /api/me: session read, a token from the cache, the Graph call.
    const cachedChildren = children(spans, cached);
    expect(cachedChildren.map((span) => span.name)).toEqual(
      expect.arrayContaining(["session-store get", "token acquire", "graph GET /me"]),
    );
    const sessionRead = cachedChildren.find((span) => span.name === "session-store get");
    expect(sessionRead?.attributes).toMatchObject({ "db.system.name": "memory", "bff.store.record": "sess" });
    // Ending the session (the failed refresh) is one store operation over all of its keys.
    const ended = spans.find((span) => span.name === "session-store deleteWithTombstone");
    expect(ended?.attributes).toMatchObject({ "bff.store.record": "sess" });
    const cachedToken = cachedChildren.find((span) => span.name === "token acquire");
    expect(cachedToken?.attributes["entra.token.source"]).toBe("cache");
    const graphSpan = cachedChildren.find((span) => span.name === "graph GET /me") as ReceivedSpan;
    const [httpToGraph] = children(spans, graphSpan);
    expect(httpToGraph?.kind).toBe(3);
    expect(httpToGraph?.attributes["http.response.status_code"]).toBe(200);

    // W3C traceparent reached Graph: same trace, parent = the HTTP client span.
    const first = graph.requests[0];
    expect(first?.headers.traceparent).toBe(`00-${cached.traceId}-${httpToGraph?.spanId}-01`);

    // The refresh, and the AADSTS code of the refresh that failed.
    const refreshToken = children(spans, refreshed).find((span) => span.name === "token acquire");
    expect(refreshToken?.attributes).toMatchObject({
      "entra.token.source": "refresh",
      "entra.token.refresh": "success",
    });
    expect(children(spans, refreshToken as ReceivedSpan).some((span) => span.kind === 3)).toBe(true);
    const failedToken = children(spans, failed).find((span) => span.name === "token acquire");
    expect(failedToken?.attributes).toMatchObject({
      "entra.token.source": "refresh",
      "entra.token.refresh": "failure",
      "error.type": "reauth_required",
    });
    expect(failedToken?.attributes["entra.aadsts"]).toEqual(expect.any(Number));
    expect(failedToken?.status?.code).toBe(2);

    // Nothing secret in any attribute (or anywhere in the export).
    const bearer = String(first?.headers.authorization).replace(/^Bearer /, "");
    const secrets = [
      bearer,
      adele.code,
      megan.code,
      adele.cookie.split("=")[1] ?? "",
      megan.cookie.split("=")[1] ?? "",
      emulator.client.clientSecret,
      SESSION_SECRET,
      "a-query-value",
    ];
    expect(secrets.every((secret) => secret.length >= 8)).toBe(true);
    for (const body of receiver.raw) {
      for (const secret of secrets) expect(body).not.toContain(secret);
      expect(body).not.toContain(decodeURIComponent(adele.cookie.split("=")[1] ?? ""));
    }
    for (const span of spans) {
      for (const value of Object.values(span.attributes))
        expect(String(value)).not.toMatch(/eyJ[\w-]{10,}\./);
    }
  });

  it("names the AADSTS code when Entra refuses the authorization code at sign-in", async () => {
    const { base, emulator, receiver } = await start();
    const login = await fetch(`${base}/login`, { redirect: "manual" });
    const cookies = login.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
    const redirect = await emulator.signIn(String(login.headers.get("location")), ADELE);
    emulator.queueError("token", 70008, { grantType: "authorization_code" });
    const page = await fetch(`${base}${redirect.pathname}${redirect.search}`, {
      redirect: "manual",
      headers: { cookie: cookies.join("; ") },
    });
    expect(page.status).toBeGreaterThanOrEqual(400);

    // Children end (and may be exported) before their parent: wait for the request span too.
    const redeem = await until(
      () => {
        const found = receiver.spans.find((span) => span.name === "token redeem-code");
        return found && receiver.spans.some((span) => span.spanId === found.parentSpanId) ? found : undefined;
      },
      "the code redemption span and its request",
      15_000,
    );
    expect(redeem.attributes).toMatchObject({ "entra.aadsts": 70008, "error.type": "entra_error" });
    expect(redeem.status?.code).toBe(2);
    const request = receiver.spans.find((span) => span.spanId === redeem.parentSpanId);
    expect(request?.name).toBe("GET /getAToken");
    const code = redirect.searchParams.get("code") ?? "";
    expect(code.length).toBeGreaterThan(8);
    for (const body of receiver.raw) expect(body).not.toContain(code);
  });
});
