import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { spawnChild } from "../lib/child.js";
import { startEmulatorProcess } from "../lib/emulator-process.js";
import { answers200 } from "../lib/http.js";
import { paths } from "../lib/paths.js";
import { freePort } from "../lib/ports.js";
import { processCpuMs } from "../lib/proc-cpu.js";
import { listeningPorts } from "../lib/proc-net.js";
import { median, round } from "../lib/stats.js";

export interface ColdStartSeries {
  runsMs: number[];
  medianMs: number;
  /** CPU time the BFF process used until ready (user + system, 10 ms resolution); less load-sensitive than wall time. */
  cpuRunsMs: number[];
  cpuMedianMs: number;
  /** TCP ports the BFF process listened on when ready (Linux); in emulator mode 3 = BFF, emulator, sample API. */
  listeningPorts?: number;
}

export interface ColdStart extends ColdStartSeries {
  /** The same with an already running identity provider (ENTRA_EMULATOR_URL): the production shape, no in-process emulator to boot. */
  externalIdp?: ColdStartSeries;
  /** The external-IdP start with OTEL_EXPORTER_OTLP_ENDPOINT set: what loading the OpenTelemetry SDK costs (without it, nothing is loaded). */
  tracing?: ColdStartSeries;
}

/** An OTLP/HTTP endpoint that accepts and drops every export. */
async function otlpSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Spawns the built BFF once and times spawn → first 200 from /healthz, polling every 2 ms. */
async function oneColdStart(
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; cpuMs: number; ports: number | undefined }> {
  const port = await freePort();
  const healthz = `http://127.0.0.1:${port}/healthz`;
  const started = performance.now();
  let readyAt = 0;
  let cpuMs = Number.NaN;
  const child = await spawnChild({
    name: "bff (cold start)",
    command: process.execPath,
    args: [paths.bffServer],
    cwd: paths.repoRoot,
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      // Stop at once: the default drain (3 s of failing /readyz) would only slow the series down.
      SHUTDOWN_DRAIN_MS: "0",
      ...env,
    },
    ready: async (proc) => {
      const ok = await answers200(healthz);
      if (ok) {
        readyAt = performance.now();
        cpuMs = processCpuMs(proc.pid) ?? Number.NaN;
      }
      return ok;
    },
    timeoutMs: 30_000,
    pollIntervalMs: 2,
  });
  // After the timing: what the process listens on once ready (emulator mode: BFF, emulator, sample API).
  const ports = listeningPorts(child.process.pid)?.length;
  await child.stop();
  return { wallMs: round(readyAt - started, 1), cpuMs, ports };
}

async function series(runs: number, env: () => Promise<NodeJS.ProcessEnv>): Promise<ColdStartSeries> {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await oneColdStart(await env()));
  const runsMs = results.map((r) => r.wallMs);
  const cpuRunsMs = results.map((r) => r.cpuMs);
  const ports = results.at(-1)?.ports;
  return {
    runsMs,
    medianMs: round(median(runsMs), 1),
    cpuRunsMs,
    cpuMedianMs: round(median(cpuRunsMs), 1),
    ...(ports === undefined ? {} : { listeningPorts: ports }),
  };
}

/**
 * Time from spawning `node apps/bff/dist/server.js` to its first 200 from `/healthz`, median of
 * `runs`: as `pnpm start` runs it (emulator mode: the BFF boots its own emulator and, with no
 * BFF_APIS declaring /api/tasks, the sample Tasks API, and answers only once both listen), and against
 * an already running IdP (ENTRA_EMULATOR_URL), which is how production starts.
 */
export async function measureColdStart(runs: number): Promise<ColdStart> {
  const emulatorMode = await series(runs, async () => ({ EMULATOR_PORT: String(await freePort()) }));
  const emulator = await startEmulatorProcess([]);
  const sink = await otlpSink();
  try {
    const externalIdp = await series(runs, async () => ({ ENTRA_EMULATOR_URL: emulator.info.url }));
    const tracing = await series(runs, async () => ({
      ENTRA_EMULATOR_URL: emulator.info.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    }));
    return { ...emulatorMode, externalIdp, tracing };
  } finally {
    await sink.close();
    await emulator.stop();
  }
}
