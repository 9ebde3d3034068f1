import { describe, expect, it } from "vitest";
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
