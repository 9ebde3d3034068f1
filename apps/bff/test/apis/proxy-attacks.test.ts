import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { beforeEach, describe, expect, it } from "vitest";
import { ADELE, type CookieJar, signIn } from "../helpers/test-app.js";
import { buildApisApp, startUpstream, type TestUpstream } from "./setup.js";

/** Sends raw bytes (no client-side normalisation) and resolves the status line and body. */
function raw(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
  });
}

let upstream: TestUpstream;
let port: number;
let jar: CookieJar;

beforeEach(async () => {
  upstream = await startUpstream();
  const t = await buildApisApp([
    {
      prefix: "/api/files",
      upstream: `${upstream.url}/base/v1`,
      methods: ["GET", "POST"],
      headers: ["x-extra-allowed"],
    },
  ]);
  jar = await signIn(t.app, t.emulator, ADELE);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  port = (t.app.server.address() as AddressInfo).port;
});

function request(target: string, extra = "", method = "GET"): string {
  return `${method} ${target} HTTP/1.1\r\nHost: localhost:5000\r\nx-csrf: 1\r\ncookie: ${jar.header()}\r\n${extra}Connection: close\r\n\r\n`;
}

describe("declared API proxy under attack", () => {
  it.each([
    "/api/files/../../admin",
    "/api/files/..%2f..%2fadmin",
    "/api/files/%2e%2e/%2e%2e/admin",
    "/api/files/%2E%2E%2Fadmin",
    "/api/files/.%2e/admin",
    "/api/files/x%5c..%5cadmin",
    "/api/files/x\\..\\admin",
    "/api/files/a%0d%0aX-Injected:%201",
  ])("refuses %s with 400 invalid_path and the upstream receives nothing", async (target) => {
    const before = upstream.received.length;
    const res = await raw(port, request(target));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: "invalid_path" });
    expect(upstream.received.length).toBe(before);
  });

  it("forwards only paths below the upstream's base path, query kept", async () => {
    const res = await raw(port, request("/api/files/a/b/?q=1&r=%2F"));
    expect(res.status).toBe(200);
    expect(upstream.received.at(-1)?.url).toBe("/base/v1/a/b/?q=1&r=%2F");
    await raw(port, request("/api/files"));
    expect(upstream.received.at(-1)?.url).toBe("/base/v1");
    for (const entry of upstream.received) expect(entry.url.startsWith("/base/v1")).toBe(true);
  });

  it("does not match a prefix that is not a whole segment", async () => {
    const before = upstream.received.length;
    const res = await raw(port, request("/api/filesX/secret"));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: "not_found" });
    expect(upstream.received.length).toBe(before);
  });

  it("answers 405 JSON for a method the entry does not list, without calling the upstream", async () => {
    const before = upstream.received.length;
    const res = await raw(port, request("/api/files/x", "", "DELETE"));
    expect(res.status).toBe(405);
    expect(JSON.parse(res.body)).toMatchObject({ code: "method_not_allowed" });
    expect(upstream.received.length).toBe(before);
  });

  it("forwards only allowlisted headers: never cookies, X-CSRF, the browser's Authorization or hop-by-hop ones", async () => {
    const res = await raw(
      port,
      request(
        "/api/files/h",
        "Authorization: Bearer forged\r\nX-Extra-Allowed: yes\r\nX-Not-Allowed: no\r\nAccept: application/json\r\n" +
          "X-Forwarded-For: 6.6.6.6\r\nTE: trailers\r\nKeep-Alive: timeout=5\r\nUpgrade: websocket\r\n" +
          "Proxy-Authorization: Basic eA==\r\n",
      ),
    );
    expect(res.status).toBe(200);
    const got = upstream.received.at(-1)?.headers ?? {};
    expect(got["x-extra-allowed"]).toBe("yes");
    expect(got.accept).toBe("application/json");
    for (const name of [
      "cookie",
      "x-csrf",
      "authorization",
      "x-not-allowed",
      "x-forwarded-for",
      "te",
      "keep-alive",
      "upgrade",
      "proxy-authorization",
    ]) {
      expect(got[name], name).toBeUndefined();
    }
  });

  it("drops an allowlisted header the browser names as hop-by-hop in Connection", async () => {
    await raw(
      port,
      `GET /api/files/c HTTP/1.1\r\nHost: localhost:5000\r\nx-csrf: 1\r\ncookie: ${jar.header()}\r\nX-Extra-Allowed: smuggled\r\nConnection: close, x-extra-allowed\r\n\r\n`,
    );
    expect(upstream.received.at(-1)?.headers["x-extra-allowed"]).toBeUndefined();
  });

  it("refuses requests without X-CSRF and without a session before the upstream is called", async () => {
    const before = upstream.received.length;
    const noCsrf = await raw(
      port,
      `GET /api/files/x HTTP/1.1\r\nHost: localhost:5000\r\ncookie: ${jar.header()}\r\nConnection: close\r\n\r\n`,
    );
    expect(noCsrf.status).toBe(403);
    const noSession = await raw(
      port,
      "GET /api/files/x HTTP/1.1\r\nHost: localhost:5000\r\nx-csrf: 1\r\nConnection: close\r\n\r\n",
    );
    expect(noSession.status).toBe(401);
    expect(upstream.received.length).toBe(before);
  });
});
