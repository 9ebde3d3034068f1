import { performance } from "node:perf_hooks";
import { spawnChild } from "../lib/child.js";
import { answers200 } from "../lib/http.js";
import { paths } from "../lib/paths.js";
import { freePort } from "../lib/ports.js";
import { median, round } from "../lib/stats.js";

export interface ColdStart {
  runsMs: number[];
  medianMs: number;
}

/**
 * Time from spawning `node apps/bff/dist/server.js` (emulator mode, as `pnpm start` runs it,
 * free ports) to its first 200 from `/healthz`. Polls every few milliseconds; the median of
 * `runs` spawns is reported.
 */
export async function measureColdStart(runs: number): Promise<ColdStart> {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const healthz = `http://127.0.0.1:${port}/healthz`;
    const started = performance.now();
    let readyAt = 0;
    const child = await spawnChild({
      name: "bff (cold start)",
      command: process.execPath,
      args: [paths.bffServer],
      cwd: paths.repoRoot,
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        EMULATOR_PORT: String(emulatorPort),
        LOG_LEVEL: "warn",
      },
      ready: async () => {
        const ok = await answers200(healthz);
        if (ok) readyAt = performance.now();
        return ok;
      },
      timeoutMs: 20_000,
      pollIntervalMs: 2,
    });
    runsMs.push(round(readyAt - started, 1));
    await child.stop();
  }
  return { runsMs, medianMs: round(median(runsMs), 1) };
}
