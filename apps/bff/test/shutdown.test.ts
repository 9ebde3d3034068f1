import type { Emulator } from "@entra-bff/entra-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulatorFor } from "./helpers/emulator.js";
import { freePort } from "./helpers/free-port.js";
import { type RedisServer, startRedisServer } from "./helpers/redis-server.js";
import {
  logLines,
  type ServerProcess,
  signInOverHttp,
  startServerProcess,
} from "./helpers/server-process.js";
import { ADELE } from "./helpers/test-app.js";

let redis: RedisServer;
let emulator: Emulator | undefined;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Starts the BFF process (Redis sessions, an emulator run by the test) and waits until it listens. */
async function startBff(env: Record<string, string>): Promise<{ server: ServerProcess; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  emulator = await startEmulatorFor({ publicUrl: base });
  const server = startServerProcess({
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: base,
    ENTRA_EMULATOR_URL: emulator.url,
    REDIS_URL: redis.url,
    SESSION_SECRET: "a-shutdown-test-session-secret-long-enough-0123",
    LOG_FORMAT: "json",
    ...env,
  });
  await server.waitFor(/Server listening/);
  return { server, base };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("graceful shutdown of the BFF process", { timeout: 60_000 }, () => {
  it("on SIGTERM fails readiness first, finishes the in-flight request, stops accepting and exits 0", async () => {
    const { server, base } = await startBff({ SHUTDOWN_DRAIN_MS: "2000", SHUTDOWN_TIMEOUT_MS: "20000" });
    const emu = emulator as Emulator;
    const { cookie } = await signInOverHttp(base, emu, ADELE);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // A slow Graph call keeps /api/me in flight across the drain and the close.
    emu.graphFault({ delayMs: 3500 });
    const inFlight = fetch(`${base}/api/me`, { headers: { cookie, "x-csrf": "1" } });
    await sleep(300);
    server.child.kill("SIGTERM");

    await server.waitFor(/"shutdown\.draining"/);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not_ready", checks: { draining: true } });
    expect(ready.headers.get("connection")).toBe("close");

    await server.waitFor(/"shutdown\.closing"/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const me = await inFlight;
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userPrincipalName: ADELE });

    expect(await server.exited).toBe(0);
    const events = logLines(server.stdout())
      .map((line) => line.event)
      .filter((event) => typeof event === "string" && event.startsWith("shutdown."));
    expect(events).toEqual(["shutdown.draining", "shutdown.closing", "shutdown.complete"]);
  });

  it("bounds the wait: a request still running after SHUTDOWN_TIMEOUT_MS is cut and the exit code says so", async () => {
    const { server, base } = await startBff({
      SHUTDOWN_DRAIN_MS: "0",
      SHUTDOWN_TIMEOUT_MS: "500",
      GRAPH_TIMEOUT_MS: "90000",
    });
    const emu = emulator as Emulator;
    const { cookie } = await signInOverHttp(base, emu, ADELE);
    emu.graphFault({ delayMs: 60_000 });
    const inFlight = fetch(`${base}/api/me`, { headers: { cookie, "x-csrf": "1" } }).then(
      (res) => res.status,
      () => "connection closed",
    );
    await sleep(300);
    server.child.kill("SIGTERM");

    expect(await server.exited).toBe(1);
    expect(await inFlight).toBe("connection closed");
    const events = logLines(server.stdout()).map((line) => line.event);
    expect(events).toContain("shutdown.timeout");
  });
});
