#!/usr/bin/env node
// `pnpm test`: lint, typecheck, build, every package's vitest suite, the browser e2e suite, then
// the conformance report (docs/conformance.md) generated from their results.
// Ends with one line for CI: "N passed, N failed, N skipped" over all suites together.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, ".test-output");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };

// A step that hangs (say, a worker stuck in native code where no test timeout can fire) is killed
// and counted as failed, so CI reports it instead of running into its own time limit.
const STEP_TIMEOUT_MS = 30 * 60_000;

function run(title, command, args, env = {}) {
  console.log(`\n▶ ${title}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...env },
    timeout: STEP_TIMEOUT_MS,
    killSignal: "SIGKILL",
  });
  if (result.error?.code === "ETIMEDOUT")
    console.error(`✗ ${title} did not finish in ${STEP_TIMEOUT_MS / 60_000} minutes`);
  return result.status === 0;
}

function check(title, command, args) {
  if (run(title, command, args)) totals.passed++;
  else {
    totals.failed++;
    console.error(`✗ ${title} failed`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const depsOk = run("system dependencies", "bash", ["scripts/ensure-system-deps.sh"]);
if (!depsOk) {
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}

check("lint", "pnpm", ["lint"]);
check("typecheck", "pnpm", ["typecheck"]);
const built = run("build", "pnpm", ["build"]);
if (built) totals.passed++;
else totals.failed++;

// Unit and integration suites: one vitest run over every package.
const vitestJson = join(out, "vitest.json");
const vitestOk = run("unit + integration tests", "pnpm", [
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  if (!vitestOk && vitest.numFailedTests === 0) totals.failed++; // e.g. an unhandled error
} else {
  totals.failed++;
  console.error("✗ vitest wrote no report");
}

// Browser suite: needs the build.
const specs = existsSync(join(root, "e2e/tests"))
  ? readdirSync(join(root, "e2e/tests")).filter((f) => f.endsWith(".spec.ts"))
  : [];
if (specs.length > 0 && built) {
  const pwJson = join(out, "playwright.json");
  const pwOk = run(
    "browser tests (Chromium)",
    "pnpm",
    ["--filter", "@entra-bff/e2e", "test", "--reporter=list,json"],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
      E2E_SKIP_BUILD: "1", // built above
    },
  );
  const pw = readJson(pwJson);
  if (pw?.stats) {
    totals.passed += pw.stats.expected + pw.stats.flaky;
    totals.failed += pw.stats.unexpected;
    totals.skipped += pw.stats.skipped;
    if (!pwOk && pw.stats.unexpected === 0) totals.failed++;
  } else {
    totals.failed++;
    console.error("✗ playwright wrote no report");
  }
} else if (specs.length > 0) {
  totals.failed++;
  console.error("✗ browser tests not run: the build failed");
}

// Last: which test proves which requirement (docs/conformance.md), from the reports above. Fails
// when a mapped test is missing or did not pass, naming it.
check("conformance report", "node", ["scripts/conformance-report.mjs"]);

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
