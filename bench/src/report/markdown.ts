import type { LoadSummary } from "../lib/load.js";
import type { ColdStartSeries } from "../suites/cold-start.js";
import { renderMemory } from "./markdown-memory.js";
import { renderProfiles } from "./markdown-profile.js";
import type { BenchResults, Goal } from "./results.js";
import { comparisons, measured, targetIds, targetLabels } from "./results.js";
import { kb, skippedText, table } from "./table.js";

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "–");
const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2));

function header(results: BenchResults): string[] {
  const m = results.machine;
  const s = results.settings;
  const out = [
    `## Benchmark results (${results.mode}${s.only ? `: ${s.only.join(", ")}` : ""})`,
    "",
    `${m.date} · ${m.cpuModel} × ${m.cores} cores · Node ${m.node} · ${m.platform} · load average ${m.loadAverageAtStart.join(" / ")} at start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(" / ")} at end` : ""}`,
    "",
    `${s.connections} connections, ${s.rounds} rotated round(s) × ${s.durationSeconds} s per target after ${s.warmupSeconds} s warm-up; ${s.sessions} signed-in sessions per BFF; BFF LOG_LEVEL=${s.bffLogLevel}. Latency in milliseconds (µs resolution). Issue 20's targets are judged against the static Graph stub (no JWT checks upstream); the emulator rows show the same BFF behind a Graph that checks every token.${s.profiled ? " **Profiled run: the profiled BFF's figures include --cpu-prof overhead.**" : ""}`,
    "",
  ];
  const busiest = Math.max(m.loadAverageAtStart[0] ?? 0, m.loadAverageAtEnd?.[0] ?? 0);
  if (busiest > m.cores) {
    out.push(
      `> **The machine was busy with other work** (1-minute load average up to ${busiest} on ${m.cores} cores): req/s and latency ratios are unreliable in this run; server CPU per request is the figure to trust.`,
      "",
    );
  }
  return out;
}

function throughput(results: BenchResults): string[] {
  const rows: string[][] = [];
  for (const id of targetIds) {
    const value = results.throughput[id];
    if (value === undefined) continue;
    const fig = measured<LoadSummary>(value);
    if (!fig) {
      rows.push([targetLabels[id], id, "skipped", "", "", "", "", skippedText(value)]);
      continue;
    }
    rows.push([
      targetLabels[id],
      id,
      fig.rps.toFixed(0),
      ms(fig.p50),
      ms(fig.p90),
      ms(fig.p99),
      fig.serverCpuUsPerRequest === undefined ? "–" : fig.serverCpuUsPerRequest.toFixed(0),
      `${fig.errors + fig.non2xx} (${fig.non2xx} non-2xx, ${fig.timeouts} timeouts)`,
    ]);
  }
  if (rows.length === 0) return [];
  const ratioRows = comparisons.flatMap((c) => {
    const r = results.ratios[c.key];
    return r ? [[c.label, ratio(r.p50), ratio(r.p99), ratio(r.rps), ratio(r.cpu)]] : [];
  });
  const out = [
    table(["target", "name (--only)", "req/s", "p50", "p90", "p99", "server CPU µs/req", "errors"], rows),
    "",
  ];
  if (ratioRows.length > 0)
    out.push(table(["ratio", "p50", "p99", "req/s", "server CPU/req"], ratioRows), "");
  return out;
}

const series = (s: ColdStartSeries) =>
  `${s.medianMs.toFixed(0)} ms (runs: ${s.runsMs.join(", ")}); CPU ${s.cpuMedianMs} ms`;

function misc(results: BenchResults): string[] {
  const cold = measured(results.coldStart);
  const spa = measured(results.spa);
  const rows: string[][] = [];
  if (cold) {
    const ports = cold.listeningPorts;
    const listening =
      ports === undefined
        ? "in-process emulator and, by default, the sample Tasks API"
        : ports >= 3
          ? `${ports} ports listening when ready: BFF, in-process emulator, sample Tasks API`
          : `only ${ports} port(s) listening when ready: the sample Tasks API did not start`;
    rows.push([
      `cold start to first /healthz 200, emulator mode as \`pnpm start\` (${listening}) (median)`,
      series(cold),
    ]);
    if (cold.externalIdp)
      rows.push(["cold start with an external IdP, production shape (median)", series(cold.externalIdp)]);
    if (cold.tracing) {
      rows.push([
        "the same with OTEL_EXPORTER_OTLP_ENDPOINT set: the OpenTelemetry SDK loaded (median)",
        series(cold.tracing),
      ]);
    }
  } else if (results.coldStart) rows.push(["cold start", skippedText(results.coldStart)]);
  if (spa) {
    rows.push([
      "SPA initial JS (gzip / raw)",
      `${kb(spa.jsGzipBytes)} / ${kb(spa.jsBytes)} (${spa.jsFiles.length} file(s))`,
    ]);
    rows.push([
      "SPA initial CSS (gzip / raw)",
      `${kb(spa.cssGzipBytes)} / ${kb(spa.cssBytes)} (${spa.cssFiles.length} file(s))`,
    ]);
  } else if (results.spa) rows.push(["SPA size", skippedText(results.spa)]);
  return rows.length > 0 ? [table(["figure", "value"], rows), ""] : [];
}

const metText = (met: Goal["met"]) =>
  met === null ? "–" : met === "reported" ? "reported" : met ? "yes" : "NO";

/**
 * Renders the results as Markdown: the same text is printed on stdout (Markdown tables read
 * fine in a terminal) and written to bench/results/latest.md for the README.
 */
export function renderMarkdown(results: BenchResults): string {
  const out: string[] = [
    ...header(results),
    ...throughput(results),
    ...renderMemory(results),
    ...misc(results),
  ];
  if (results.goals.length > 0) {
    out.push(
      table(
        ["target (issue 20)", "goal", "actual", "met"],
        results.goals.map((g) => [g.name, g.target, g.actual, metText(g.met)]),
      ),
      "",
    );
  }
  if (results.profiles) out.push(...renderProfiles(results.profiles));
  if (results.errors.length > 0) {
    out.push("Problems during the run:");
    for (const e of results.errors) out.push(`- ${e.split("\n")[0]}`);
    out.push("");
  }
  const sections = Object.entries(results.sectionSeconds)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`)
    .join(", ");
  out.push(
    `Wall clock: ${results.wallClockSeconds.toFixed(0)} s (${sections}). Reproduce: \`pnpm bench\` (or \`pnpm bench --quick\`).`,
  );
  return `${out.join("\n")}\n`;
}
