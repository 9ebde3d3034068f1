import type { Window } from "../lib/cpu-profile.js";
import { type LoadSample, type LoadSummary, type LoadTarget, runLoad, summarize } from "../lib/load.js";
import { processCpuMs } from "../lib/proc-cpu.js";

export interface ThroughputTarget extends LoadTarget {
  id: string;
  label: string;
  /** The server process under test; its CPU time per request is reported (Linux /proc). */
  pid?: number;
}

export interface ThroughputFigures {
  summaries: Record<string, LoadSummary>;
  /** When each target's measured runs happened (harness monotonic clock), to window CPU profiles. */
  windows: Record<string, Window[]>;
}

export interface ThroughputSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

/**
 * Warms every target up, then measures each for the same duration and connections, in
 * `rounds` rounds whose order rotates (round r starts at target r), so machine-load drift and
 * "first run" effects are spread over all targets rather than hitting one.
 */
export async function measureThroughput(
  targets: readonly ThroughputTarget[],
  settings: ThroughputSettings,
  log: (line: string) => void,
): Promise<ThroughputFigures> {
  const samples = new Map<string, LoadSample[]>(targets.map((t) => [t.id, []]));
  const windows: Record<string, Window[]> = Object.fromEntries(targets.map((t) => [t.id, []]));
  for (const target of settings.warmupSeconds > 0 ? targets : []) {
    log(`warming up ${target.label} (${settings.warmupSeconds} s)`);
    const warm = await runLoad(target, {
      connections: settings.connections,
      durationSeconds: settings.warmupSeconds,
    });
    if (warm.ok === 0) {
      throw new Error(
        `${target.label} (${target.url}) answered no 2xx during warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors`,
      );
    }
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length] as ThroughputTarget;
      log(`round ${round + 1}/${settings.rounds}: ${target.label} (${settings.durationSeconds} s)`);
      const cpuBefore = processCpuMs(target.pid);
      const from = process.hrtime.bigint();
      const sample = await runLoad(target, {
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
      });
      windows[target.id]?.push([from, process.hrtime.bigint()]);
      const cpuAfter = processCpuMs(target.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) sample.serverCpuMs = cpuAfter - cpuBefore;
      samples.get(target.id)?.push(sample);
    }
  }
  const summaries = Object.fromEntries([...samples].map(([id, list]) => [id, summarize(list)]));
  return { summaries, windows };
}
