import { Counter, Histogram, type Registry } from "prom-client";

/** Per declared API: upstream call latency by status, and token acquisition failures by reason. */
export interface ApiMetrics {
  /** Starts timing one upstream call; call the result with the status answered (or "error"). */
  time(api: string): (status: number | "error") => void;
  tokenFailure(api: string, reason: string): void;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  const duration = new Histogram({
    name: "bff_api_upstream_duration_seconds",
    help: "Calls to declared APIs, by API prefix and upstream status (error: no answer).",
    labelNames: ["api", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failures = new Counter({
    name: "bff_api_token_failures_total",
    help: "Access tokens for declared APIs that could not be acquired, by API prefix and reason.",
    labelNames: ["api", "reason"] as const,
    registers: [registry],
  });
  return {
    time(api) {
      const end = duration.startTimer({ api });
      return (status) => end({ status: String(status) });
    },
    tokenFailure: (api, reason) => failures.inc({ api, reason }),
  };
}
