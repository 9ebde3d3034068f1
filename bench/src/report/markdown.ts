import type { LoadSummary } from "../lib/load.js";
import type { BenchResults } from "./results.js";
import { measured, targetIds, targetLabels } from "./results.js";

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "–");
const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : `${x.toFixed(2)}`);
const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

/**
 * Renders the results as Markdown: the same text is printed on stdout (Markdown tables read
 * fine in a terminal) and written to bench/results/latest.md for the README.
 */
export function renderMarkdown(results: BenchResults): string {
  const out: string[] = [];
  const m = results.machine;
  const s = results.settings;
  out.push(`## Benchmark results (${results.mode})`);
  out.push("");
  out.push(
    `${m.date} · ${m.cpuModel} × ${m.cores} cores · Node ${m.node} · ${m.platform} · load average ${m.loadAverageAtStart.join(" / ")} at start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(" / ")} at end` : ""}`,
  );
  out.push("");
  out.push(
    `${s.connections} connections, ${s.rounds} rotated round(s) × ${s.durationSeconds} s per target after ${s.warmupSeconds} s warm-up; ${s.sessions} signed-in sessions; BFF LOG_LEVEL=${s.bffLogLevel}. Latency in milliseconds (µs resolution).${s.profiled ? " **Profiled run: BFF figures include --cpu-prof overhead.**" : ""}`,
  );
  out.push("");
  const busiest = Math.max(m.loadAverageAtStart[0] ?? 0, m.loadAverageAtEnd?.[0] ?? 0);
  if (busiest > m.cores) {
    out.push(
      `> **The machine was busy with other work** (1-minute load average up to ${busiest} on ${m.cores} cores): req/s and latency ratios are unreliable in this run; server CPU per request is the figure to trust.`,
    );
    out.push("");
  }

  const rows: string[][] = [];
  for (const id of targetIds) {
    const value = results.throughput[id];
    if (value === undefined) continue;
    const fig = measured<LoadSummary>(value);
    if (!fig) {
      rows.push([targetLabels[id], "skipped", "", "", "", "", (value as { skipped: string }).skipped]);
      continue;
    }
    rows.push([
      targetLabels[id],
      fig.rps.toFixed(0),
      ms(fig.p50),
      ms(fig.p90),
      ms(fig.p99),
      fig.serverCpuUsPerRequest === undefined ? "–" : fig.serverCpuUsPerRequest.toFixed(0),
      `${fig.errors + fig.non2xx} (${fig.non2xx} non-2xx, ${fig.timeouts} timeouts)`,
    ]);
  }
  if (rows.length > 0) {
    out.push(table(["target", "req/s", "p50", "p90", "p99", "server CPU µs/req", "errors"], rows));
    out.push("");
    const r = results.ratios;
    out.push(
      table(
        ["ratio", "p50", "p99", "req/s", "server CPU/req"],
        [
          [
            "BFF /api/me (memory) ÷ bare proxy",
            ratio(r.meP50BffOverProxy),
            ratio(r.meP99BffOverProxy),
            ratio(r.meRpsBffOverProxy),
            ratio(r.meCpuBffOverProxy),
          ],
          [
            "BFF declared API /api/graph/me ÷ bare proxy",
            ratio(r.declaredP50OverProxy),
            ratio(r.declaredP99OverProxy),
            ratio(r.declaredRpsOverProxy),
            "",
          ],
          [
            "BFF /api/me (Redis) ÷ bare proxy",
            ratio(r.meRedisP50OverProxy),
            ratio(r.meRedisP99OverProxy),
            ratio(r.meRedisRpsOverProxy),
            ratio(r.meRedisCpuOverProxy),
          ],
          [
            "BFF /api/session ÷ bare Fastify",
            ratio(r.sessionP50BffOverBare),
            ratio(r.sessionP99BffOverBare),
            ratio(r.sessionRpsBffOverBare),
            ratio(r.sessionCpuBffOverBare),
          ],
        ],
      ),
    );
    out.push("");
  }

  const mem = measured(results.memory.memoryStore);
  const redis = measured(results.memory.redisStore);
  const memRows: string[][] = [];
  if (mem) {
    for (const p of mem.points) {
      memRows.push([`memory store, ${p.sessions} sessions`, kb(p.heapUsedBytes), kb(p.rssBytes)]);
    }
    memRows.push([
      "memory store, per idle session",
      `${Math.round(mem.heapBytesPerSession)} B`,
      `${Math.round(mem.rssBytesPerSession)} B`,
    ]);
    if (mem.activeHeapBytesPerSession !== undefined) {
      memRows.push([
        "memory store, per active session (with its access token)",
        `${Math.round(mem.activeHeapBytesPerSession)} B`,
        "",
      ]);
    }
    if (mem.recordOnlyHeapBytesPerSession !== undefined) {
      memRows.push([
        "memory store, per session record alone (no tokens)",
        `${Math.round(mem.recordOnlyHeapBytesPerSession)} B`,
        "",
      ]);
    }
  } else if (results.memory.memoryStore) {
    memRows.push(["memory store", "skipped", (results.memory.memoryStore as { skipped: string }).skipped]);
  }
  if (redis) {
    memRows.push([
      `Redis store, per session (${redis.keys.map((k) => `${k.kind} ${k.bytes} B`).join(" + ")})`,
      `${redis.bytesPerSession} B`,
      "",
    ]);
    if (redis.idleBytesPerSession !== undefined) {
      memRows.push(["Redis store, per idle session (no at:)", `${redis.idleBytesPerSession} B`, ""]);
    }
  } else if (results.memory.redisStore) {
    memRows.push(["Redis store", "skipped", (results.memory.redisStore as { skipped: string }).skipped]);
  }
  if (memRows.length > 0) {
    out.push(table(["memory", "heap used", "RSS"], memRows));
    if (mem) out.push(`\n${mem.note}`);
    out.push("");
  }

  const cold = measured(results.coldStart);
  const spa = measured(results.spa);
  const misc: string[][] = [];
  if (cold) {
    misc.push([
      "cold start to first /healthz 200, emulator mode as `pnpm start` (median)",
      `${cold.medianMs.toFixed(0)} ms (runs: ${cold.runsMs.join(", ")}); CPU ${cold.cpuMedianMs} ms`,
    ]);
    if (cold.externalIdp) {
      misc.push([
        "cold start with an external IdP, production shape (median)",
        `${cold.externalIdp.medianMs.toFixed(0)} ms (runs: ${cold.externalIdp.runsMs.join(", ")}); CPU ${cold.externalIdp.cpuMedianMs} ms`,
      ]);
    }
    if (cold.tracing) {
      misc.push([
        "the same with OTEL_EXPORTER_OTLP_ENDPOINT set: the OpenTelemetry SDK loaded (median)",
        `${cold.tracing.medianMs.toFixed(0)} ms (runs: ${cold.tracing.runsMs.join(", ")}); CPU ${cold.tracing.cpuMedianMs} ms`,
      ]);
    }
  } else if (results.coldStart)
    misc.push(["cold start", `skipped: ${(results.coldStart as { skipped: string }).skipped}`]);
  if (spa) {
    misc.push([
      "SPA initial JS (gzip / raw)",
      `${kb(spa.jsGzipBytes)} / ${kb(spa.jsBytes)} (${spa.jsFiles.length} file(s))`,
    ]);
    misc.push([
      "SPA initial CSS (gzip / raw)",
      `${kb(spa.cssGzipBytes)} / ${kb(spa.cssBytes)} (${spa.cssFiles.length} file(s))`,
    ]);
  } else if (results.spa) misc.push(["SPA size", `skipped: ${(results.spa as { skipped: string }).skipped}`]);
  if (misc.length > 0) {
    out.push(table(["figure", "value"], misc));
    out.push("");
  }

  out.push(
    table(
      ["target (issue 11)", "goal", "actual", "met"],
      results.goals.map((g) => [g.name, g.target, g.actual, g.met === null ? "–" : g.met ? "yes" : "NO"]),
    ),
  );
  if (results.profile) {
    out.push("");
    const p = results.profile;
    out.push(
      `CPU profile of the BFF (memory store) over the whole run (--profile): busy ${p.busyPercent} % of samples; shares below are of busy time.`,
    );
    out.push("");
    out.push(
      table(
        ["self %", "function"],
        p.functions.map((f) => [f.selfPercent.toFixed(1), f.frame]),
      ),
    );
    out.push("");
    out.push(
      table(
        ["self %", "package / file"],
        p.packages.map((f) => [f.selfPercent.toFixed(1), f.frame]),
      ),
    );
  }
  if (results.errors.length > 0) {
    out.push("");
    out.push("Problems during the run:");
    for (const e of results.errors) out.push(`- ${e.split("\n")[0]}`);
  }
  out.push("");
  const sections = Object.entries(results.sectionSeconds)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`)
    .join(", ");
  out.push(
    `Wall clock: ${results.wallClockSeconds.toFixed(0)} s (${sections}). Reproduce: \`pnpm bench\` (or \`pnpm bench --quick\`).`,
  );
  return `${out.join("\n")}\n`;
}
