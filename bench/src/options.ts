import { parseArgs } from "node:util";

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
  coldStartRuns: number;
  /** Run the memory-store BFF under `--cpu-prof` and report its hottest functions (slows it). */
  profile: boolean;
}

const usage = `pnpm bench [--quick] [--no-build] [--connections N] [--duration SECONDS]

  --quick        2-second runs, fewer sessions, cold start ×2: a ~1-minute CI smoke run
  --profile      run the BFF (memory store) under --cpu-prof and list its hottest functions;
                 its figures then include profiler overhead — for diagnosis, not for publishing
  --no-build     use the existing dist/ builds instead of running \`pnpm build\` first
  --connections  concurrent connections per target (default 50)
  --duration     measured seconds per target and round (default 5 full, 2 quick)`;

/** Parses the command line into bench settings; throws a usage message on bad input. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
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
    durationSeconds: positive("duration", values.duration, quick ? 2 : 5),
    warmupSeconds: quick ? 1 : 3,
    rounds: quick ? 1 : 3,
    sessions: quick ? 10 : 50,
    memorySessionCounts: quick ? [0, 1_000, 5_000] : [0, 10_000, 100_000],
    coldStartRuns: quick ? 2 : 5,
    profile: values.profile === true,
  };
}
