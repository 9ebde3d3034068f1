import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.js";
import { startServerProcess } from "./helpers/server-process.js";

describe("starting the BFF with a bad configuration", { timeout: 30_000 }, () => {
  it("lists every problem with its fix and exits 1 without listening", async () => {
    const server = startServerProcess({
      ENTRA_TENANT_ID: "11111111-2222-3333",
      ENTRA_CLIENT_ID: "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10",
      ENTRA_CLIENT_SECRET: "a-client-secret-value",
      SESSION_SECRET: "short-but-secret",
      PORT: "http",
    });
    expect(await server.exited).toBe(1);
    const stderr = server.stderr();
    expect(stderr).toContain("Configuration error: 3 problems, nothing started.");
    expect(stderr).toContain('✗ ENTRA_TENANT_ID: invalid value "11111111-2222-3333"');
    expect(stderr).toContain("✗ PORT: invalid value");
    expect(stderr).toContain('✗ SESSION_SECRET: invalid value "<hidden>"');
    expect(stderr.match(/^ {4}Fix: /gm)).toHaveLength(3);
    expect(stderr).not.toContain("short-but-secret");
    expect(stderr).not.toContain("a-client-secret-value");
    expect(server.stdout()).not.toMatch(/listening/i);
  });
});

describe("starting the BFF on a port that is taken", { timeout: 30_000 }, () => {
  it.each([
    ["PORT", "PORT"],
    ["EMULATOR_PORT", "EMULATOR_PORT"],
  ])("names %s in one line and exits 1, without a stack trace", async (setting) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const server = startServerProcess({
        HOST: "127.0.0.1",
        PORT: setting === "PORT" ? port : String(await freePort()),
        EMULATOR_PORT: setting === "EMULATOR_PORT" ? port : "0",
      });
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toContain(
        `Cannot listen: port ${port} is already in use. Stop the other process or set ${setting}.`,
      );
      expect(server.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  });
});
