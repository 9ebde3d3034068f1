// `pnpm bench [--quick]`: measures the BFF against a bare proxy, bare Fastify and the floor, in front
// of a static Graph stub and of the emulator, in one run, plus memory per session, cold start and
// SPA size; prints a table and writes bench/results/latest.* (a --quick smoke run writes
// bench/results/quick.*, an --only run bench/results/only.*, so neither replaces published figures).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { buildWorkspace } from "./lib/build.js";
import { machineInfo } from "./lib/machine.js";
import { paths } from "./lib/paths.js";
import { parseOptions } from "./options.js";
import { computeRatios, evaluateGoals } from "./report/goals.js";
import { renderMarkdown } from "./report/markdown.js";
import { type BenchResults, emptyResults, type Skipped } from "./report/results.js";
import { measureColdStart } from "./suites/cold-start.js";
import { BFF_LOG_LEVEL, measureHttpTargets } from "./suites/http-targets.js";
import { measureMemoryStore } from "./suites/memory.js";
import { measureSpaSize } from "./suites/spa-size.js";

const started = performance.now();
const options = parseOptions(process.argv.slice(2));
const log = (line: string) => console.error(`[bench] ${line}`);

const results: BenchResults = emptyResults({
  mode: options.only ? "only" : options.quick ? "quick" : "full",
  machine: machineInfo(),
  settings: {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    rounds: options.rounds,
    sessions: options.sessions,
    bffLogLevel: BFF_LOG_LEVEL,
    profiled: options.profile,
    ...(options.only ? { only: options.only } : {}),
  },
});

/** Runs one section; a failure is recorded and reported, and the other sections still run. */
async function section<T extends object>(name: string, run: () => Promise<T> | T): Promise<T | Skipped> {
  log(`${name}…`);
  const sectionStart = performance.now();
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.errors.push(`${name}: ${message}`);
    log(`${name} FAILED: ${message}`);
    return { skipped: `failed: ${message.split("\n")[0]}` };
  } finally {
    results.sectionSeconds[name] = Math.round((performance.now() - sectionStart) / 100) / 10;
  }
}

if (options.build) {
  const built = await section("pnpm build", () => {
    buildWorkspace();
    return {};
  });
  if ("skipped" in built) {
    console.error(results.errors.join("\n"));
    process.exit(1);
  }
}

// --only: just the chosen HTTP targets (e.g. to profile one route), none of the other sections.
if (!options.only) {
  results.spa = await section("SPA size", () => measureSpaSize(paths.webDist));
  results.coldStart = await section("cold start", () => measureColdStart(options.coldStartRuns));
}
const http = await section("HTTP targets", () => measureHttpTargets(options, log));
if (!("skipped" in http)) {
  results.throughput = http.throughput;
  results.errors.push(...http.errors);
  if (http.redisSession) results.memory.redisStore = http.redisSession;
  if (http.profiles) results.profiles = http.profiles;
}
const shapes = "skipped" in http ? undefined : http.sessionShapes;
const redisStore = results.memory.redisStore;
const redisSkipped = redisStore && "skipped" in redisStore ? redisStore.skipped : undefined;
if (!options.only && !shapes && redisSkipped && !redisSkipped.startsWith("failed")) {
  // No redis-server here: nothing to read real sessions back from. Not a failure of the bench.
  results.memory.memoryStore = { skipped: `replays sessions read back from Redis: ${redisSkipped}` };
} else if (!options.only) {
  results.memory.memoryStore = await section("memory per session", () =>
    measureMemoryStore(
      shapes,
      {
        counts: options.memorySessionCounts,
        groupsCounts: options.memoryGroupsCounts,
        capacityLimit: options.capacityLimit,
      },
      log,
    ),
  );
}

results.ratios = computeRatios(results);
results.goals = options.only ? [] : evaluateGoals(results);
results.machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
results.wallClockSeconds = (performance.now() - started) / 1000;

const markdown = renderMarkdown(results);
mkdirSync(paths.results, { recursive: true });
// Partial runs (--quick, --only) never replace the published figures.
const base = `${paths.results}${options.only ? "only" : options.quick ? "quick" : "latest"}`;
writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${base}.md`, markdown);
console.log(markdown);
log(`wrote ${base}.json and ${base}.md`);
// A failed section is a failed smoke run, so CI notices; no performance threshold is asserted.
process.exit(results.errors.length > 0 ? 1 : 0);
