import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startServerProcess } from "../helpers/server-process.js";
import { startOtlpReceiver } from "./otlp-receiver.js";

const RECORDER = fileURLToPath(new URL("../helpers/register-load-recorder.mjs", import.meta.url));

/** Starts the server in JSON mode with `env`, stops it, and returns every specifier it imported. */
async function importsOf(env: Record<string, string>): Promise<string[]> {
  const record = join(tmpdir(), `entra-bff-imports-${process.pid}-${Date.now()}.txt`);
  const server = startServerProcess(
    { PORT: "0", EMULATOR_PORT: "0", LOG_FORMAT: "json", LOAD_RECORD: record, ...env },
    ["--import", RECORDER],
  );
  await server.waitFor(/"event":"startup"/);
  server.child.kill("SIGINT");
  await server.exited;
  try {
    return readFileSync(record, "utf8").split("\n");
  } finally {
    rmSync(record, { force: true });
  }
}

describe("optional modules load only when configured", { timeout: 40_000 }, () => {
  it("imports neither the OpenTelemetry SDK nor pino-pretty without OTEL_* and on JSON logs", async () => {
    const imports = await importsOf({});
    expect(imports.some((specifier) => specifier.startsWith("fastify"))).toBe(true);
    expect(
      imports.filter((specifier) =>
        /opentelemetry\/sdk|exporter-trace|telemetry\/otel|pino-pretty/.test(specifier),
      ),
    ).toEqual([]);
  });

  it("imports the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (the control for the test above)", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const imports = await importsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(imports).toContain("@opentelemetry/sdk-trace-node");
      expect(imports.some((specifier) => /^\.\/telemetry\/otel\.[jt]s$/.test(specifier))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
