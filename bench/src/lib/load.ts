import autocannon from "autocannon";
import { percentile } from "./stats.js";

/** One HTTP load target: where to send requests and which headers (cookies) to rotate over. */
export interface LoadTarget {
  url: string;
  /** One header set per request in the rotation; e.g. one Cookie per signed-in session. */
  headerSets?: Array<Record<string, string>>;
}

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

/** Raw outcome of one load run; latencies kept in full so several runs can be merged. */
export interface LoadSample {
  durationSeconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time the server process used during the run (user + system), when known. */
  serverCpuMs?: number;
  /** Latencies of 2xx responses in milliseconds, float precision (autocannon's histogram rounds to whole ms). */
  latenciesMs: number[];
}

export interface LoadSummary {
  rps: number;
  /** Latency percentiles in milliseconds with microsecond resolution. */
  p50: number;
  p90: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  /**
   * CPU time of the server process per answered request, in microseconds: the cost of the code
   * under test, far less sensitive to other load on the machine than req/s.
   */
  serverCpuUsPerRequest?: number;
}

/**
 * Drives `target` with autocannon (in this process, never the server's) for a bounded time.
 * Latencies are recorded from autocannon's `response` events, which carry float milliseconds:
 * on loopback the whole-millisecond histogram autocannon reports would hide the differences.
 */
export async function runLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadSample> {
  const sample: LoadSample = {
    durationSeconds: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    latenciesMs: [],
  };
  const requests = (target.headerSets ?? [{}]).map((headers) => ({ method: "GET" as const, headers }));
  const instance = autocannon({
    url: target.url,
    connections: settings.connections,
    duration: settings.durationSeconds,
    requests,
    timeout: 10,
    setupClient(client) {
      client.on("response", (statusCode, _bytes, responseTimeMs) => {
        if (statusCode >= 200 && statusCode < 300) {
          sample.ok++;
          sample.latenciesMs.push(responseTimeMs);
        } else {
          sample.non2xx++;
        }
      });
    },
  });
  const result = await instance;
  sample.durationSeconds = result.duration;
  sample.errors = result.errors;
  sample.timeouts = result.timeouts;
  return sample;
}

/** Merges runs of the same target (the rotated rounds) and reduces them to the reported figures. */
export function summarize(samples: readonly LoadSample[]): LoadSummary {
  const latencies = Float64Array.from(samples.flatMap((s) => s.latenciesMs)).sort();
  const durationSeconds = samples.reduce((sum, s) => sum + s.durationSeconds, 0);
  const ok = samples.reduce((sum, s) => sum + s.ok, 0);
  const cpuKnown = samples.every((s) => s.serverCpuMs !== undefined);
  const cpuMs = samples.reduce((sum, s) => sum + (s.serverCpuMs ?? 0), 0);
  const answered = ok + samples.reduce((sum, s) => sum + s.non2xx, 0);
  return {
    ...(cpuKnown && answered > 0 ? { serverCpuUsPerRequest: (cpuMs * 1000) / answered } : {}),
    rps: durationSeconds > 0 ? ok / durationSeconds : 0,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    ok,
    non2xx: samples.reduce((sum, s) => sum + s.non2xx, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    timeouts: samples.reduce((sum, s) => sum + s.timeouts, 0),
    durationSeconds,
  };
}
