import { parseArgs } from "node:util";
import { type TargetId, targetIds } from "./report/results.js";

export interface BenchOptions {
  quick: boolean;
  /** Skip `pnpm build` (use the dist/ already there). */
  build: boolean;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Rounds over all targets; each round starts one target later, so no target always runs first. */
  rounds: number;
  sessions: number;
  memorySessionCounts: number[];
  /** Session counts of the 200-groups memory probe. */
  memoryGroupsCounts: number[];
  /** Most sessions the capacity probe writes looking for the default memory store's cap. */
  capacityLimit: number;
  coldStartRuns: number;
  /** Run BFFs under `--cpu-prof` and report their hottest functions and packages (slows them). */
  profile: boolean;
  /** Only these HTTP targets (no cold start, memory or SPA sections). */
  only?: TargetId[];
}

const usage = `pnpm bench [--quick] [--no-build] [--profile] [--only TARGET,…] [--connections N] [--duration SECONDS]

  --quick        2-second runs, fewer sessions, smaller memory probes, cold start ×2: a ~1.5-minute smoke run
  --profile      run the BFF under --cpu-prof and list its hottest functions and packages (self and
                 total time) over its measured runs; its figures then include profiler overhead —
                 for diagnosis, not for publishing. Without --only: the memory-store BFF in front of
                 the static Graph stub; with --only: every BFF the chosen targets hit, 10 s, 1 round
  --only         run only these HTTP targets (comma-separated), nothing else; one of
                 ${targetIds.join(", ")}
  --no-build     use the existing dist/ builds instead of running \`pnpm build\` first
  --connections  concurrent connections per target (default 50)
  --duration     measured seconds per target and round (default 5 full, 2 quick, 10 with --profile --only)`;

function parseOnly(raw: string | undefined): TargetId[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((name) => name.trim().toLowerCase());
  const chosen = names.map((name) => {
    const id = targetIds.find((t) => t.toLowerCase() === name);
    if (!id) throw new Error(`--only: unknown target "${name}"\n\n${usage}`);
    return id;
  });
  return [...new Set(chosen)];
}

/** Parses the command line into bench settings; throws a usage message on bad input. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      only: { type: "string" },
      connections: { type: "string" },
      duration: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick === true;
  const profile = values.profile === true;
  const only = parseOnly(values.only);
  // Profiling one route: one long run, so the profile is mostly that route at steady state.
  const profileOnly = profile && only !== undefined;
  const positive = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number (got "${raw}")\n\n${usage}`);
    return n;
  };
  return {
    quick,
    build: values["no-build"] !== true,
    connections: Math.round(positive("connections", values.connections, 50)),
    durationSeconds: positive("duration", values.duration, profileOnly ? 10 : quick ? 2 : 5),
    warmupSeconds: quick ? 1 : profileOnly ? 2 : 3,
    rounds: quick || profileOnly ? 1 : 3,
    sessions: quick ? 10 : 50,
    memorySessionCounts: quick ? [0, 1_000, 5_000] : [0, 10_000, 100_000],
    memoryGroupsCounts: quick ? [0, 1_000] : [0, 10_000],
    capacityLimit: quick ? 50_000 : 300_000,
    coldStartRuns: quick ? 2 : 5,
    profile,
    ...(only ? { only } : {}),
  };
}
