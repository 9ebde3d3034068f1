import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ADELE, type CookieJar, signIn } from "../helpers/test-app.js";
import { buildApisApp, startUpstream, type TestUpstream } from "./setup.js";

async function listening(upstream: TestUpstream, entry: Record<string, unknown>) {
  const t = await buildApisApp([
    { prefix: "/api/up", upstream: upstream.url, methods: ["GET", "POST", "PUT"], ...entry },
  ]);
  const jar = await signIn(t.app, t.emulator, ADELE);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        "x-csrf": "1",
        cookie: (jar as CookieJar).header(),
        ...(init.headers as Record<string, string>),
      },
    });
  return { t, call };
}

describe("streaming through a declared API", () => {
  it("passes Server-Sent Events through unbuffered", async () => {
    let release: () => void = () => {};
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      response.write("event: first\ndata: 1\n\n");
      release = () => response.end("event: second\ndata: 2\n\n");
    });
    const { call } = await listening(upstream, {});
    const res = await call("/api/up/stream-events");
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    // The first event arrives while the upstream still holds the stream open.
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("event: first");
    release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain("event: second");
  });

  it("streams a 50 MB upload to the upstream with bounded BFF memory", async () => {
    const upstream = await startUpstream();
    const { call } = await listening(upstream, { maxBodyBytes: 64 * 1024 * 1024 });
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    // What the BFF holds at any moment is at most what was sent minus what the upstream got.
    let maxInFlight = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        maxInFlight = Math.max(maxInFlight, sent - (upstream.received[0]?.bytes ?? 0));
        if (sent >= total) return controller.close();
        sent += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const res = await call("/api/up/upload", {
      method: "PUT",
      body,
      headers: { "content-type": "application/octet-stream" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ bytes: total });
    // Buffering the body would hold all 50 MB before the upstream sees a byte; streaming holds
    // a few socket and stream buffers.
    expect(maxInFlight).toBeLessThan(8 * 1024 * 1024);
  });

  it("answers 413 at once when Content-Length is over maxBodyBytes, without calling the upstream", async () => {
    const upstream = await startUpstream();
    const { call } = await listening(upstream, { maxBodyBytes: 1000 });
    const res = await call("/api/up/x", {
      method: "POST",
      body: "x".repeat(2000),
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
    expect(upstream.received).toHaveLength(0);
  });

  it("cuts a chunked body at maxBodyBytes with 413", async () => {
    const upstream = await startUpstream();
    const { call } = await listening(upstream, { maxBodyBytes: 1000 });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10_000) return controller.close();
        sent += 500;
        controller.enqueue(new Uint8Array(500));
      },
    });
    const res = await call("/api/up/x", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(upstream.received.every((entry) => entry.bytes <= 1000)).toBe(true);
  });
});
