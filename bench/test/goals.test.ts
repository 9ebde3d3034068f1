import { describe, expect, it } from "vitest";
import type { LoadSummary } from "../src/lib/load.js";
import { computeRatios, evaluateGoals } from "../src/report/goals.js";
import { type BenchResults, emptyResults } from "../src/report/results.js";

const load = (rps: number, p50: number, p99: number, cpu: number): LoadSummary => ({
  rps,
  p50,
  p90: p50,
  p99,
  ok: 1,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  durationSeconds: 1,
  serverCpuUsPerRequest: cpu,
});

function results(throughput: BenchResults["throughput"]): BenchResults {
  const machine = { loadAverageAtStart: [0, 0, 0] } as unknown as BenchResults["machine"];
  const settings = { sessions: 1 } as unknown as BenchResults["settings"];
  const r = { ...emptyResults({ mode: "quick", machine, settings }), throughput };
  r.ratios = computeRatios(r);
  return r;
}

const find = (r: BenchResults, name: string) => evaluateGoals(r).find((g) => g.name === name);

describe("issue 20 goals", () => {
  it("judges /api/me against the bare proxy in front of the static stub", () => {
    const r = results({ meStub: load(80, 13, 15, 130), bareProxyStub: load(100, 10, 10, 100) });
    expect(r.ratios.meStub).toEqual({ rps: 0.8, p50: 1.3, p99: 1.5, cpu: 1.3 });
    for (const what of ["req/s", "p50", "p99", "server CPU/request"]) {
      expect(find(r, `/api/me ${what} vs bare proxy (static stub)`)?.met).toBe(true);
    }
    const slower = results({ meStub: load(79, 13.1, 15.1, 131), bareProxyStub: load(100, 10, 10, 100) });
    for (const what of ["req/s", "p50", "p99", "server CPU/request"]) {
      expect(find(slower, `/api/me ${what} vs bare proxy (static stub)`)?.met).toBe(false);
    }
  });

  it("does not judge the stub goals with emulator figures", () => {
    const r = results({ meEmulator: load(100, 10, 10, 100), bareProxyEmulator: load(100, 10, 10, 100) });
    expect(r.ratios.meEmulator).toBeDefined();
    expect(find(r, "/api/me req/s vs bare proxy (static stub)")).toMatchObject({
      met: null,
      actual: "not measured",
    });
  });

  it("compares the Redis store with the memory store at p50, and BFF routes with the floor", () => {
    const r = results({
      meStub: load(100, 10, 10, 100),
      meRedisStub: load(100, 12.5, 10, 100),
      floorProxyStub: load(200, 5, 5, 50),
    });
    expect(find(r, "/api/me p50, Redis vs memory store (static stub)")).toMatchObject({
      met: false,
      actual: "1.25×",
    });
    expect(r.ratios.meFloor).toMatchObject({ rps: 0.5, p50: 2, cpu: 2 });
  });
});
