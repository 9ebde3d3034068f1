import type { ProfileSummary } from "../lib/cpu-profile.js";
import type { LoadSummary } from "../lib/load.js";
import type { MachineInfo } from "../lib/machine.js";
import type { ColdStart } from "../suites/cold-start.js";
import type { SpaSize } from "../suites/spa-size.js";

/** Identifiers of the compared HTTP targets, in report order. */
export const targetIds = [
  "bffMeMemory",
  "bffMeRedis",
  "bffDeclaredMe",
  "bareProxyMe",
  "graphMeDirect",
  "bffSession",
  "bareJsonSession",
] as const;
export type TargetId = (typeof targetIds)[number];

export const targetLabels: Record<TargetId, string> = {
  bffMeMemory: "BFF GET /api/me (memory store)",
  bffMeRedis: "BFF GET /api/me (Redis store)",
  bffDeclaredMe: "BFF GET /api/graph/me (declared API → Graph /me, memory store)",
  bareProxyMe: "bare Fastify proxy → Graph /me",
  graphMeDirect: "emulator Graph /v1.0/me directly",
  bffSession: "BFF GET /api/session",
  bareJsonSession: "bare Fastify same JSON",
};

export type Skipped = { skipped: string };

export interface MemoryFigures {
  /** Sessions created → heapUsed / RSS after a forced GC, bytes. */
  points: Array<{ sessions: number; heapUsedBytes: number; rssBytes: number }>;
  /** Slope between the smallest and largest point, of idle sessions (no access token). */
  heapBytesPerSession: number;
  rssBytesPerSession: number;
  /** Heap per active session: with its shared access token. */
  activeHeapBytesPerSession?: number;
  /** Heap per session when only the session record is stored (no token cache). */
  recordOnlyHeapBytesPerSession?: number;
  keysPerSession: number;
  /** What one "session" consists of in this measurement. */
  note: string;
}

export interface RedisMemoryFigures {
  /** `MEMORY USAGE` per key kind of one signed-in session, bytes. */
  keys: Array<{ kind: string; bytes: number }>;
  bytesPerSession: number;
  /** Without the access tokens (`at:`), which an idle session no longer holds. */
  idleBytesPerSession?: number;
}

export interface Goal {
  name: string;
  target: string;
  actual: string;
  met: boolean | null;
}

/** Everything `pnpm bench` writes to bench/results/latest.json. */
export interface BenchResults {
  mode: "quick" | "full";
  machine: MachineInfo;
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    rounds: number;
    sessions: number;
    bffLogLevel: string;
    profiled: boolean;
  };
  throughput: Partial<Record<TargetId, LoadSummary | Skipped>>;
  ratios: {
    meP50BffOverProxy?: number;
    meP99BffOverProxy?: number;
    meRpsBffOverProxy?: number;
    meRedisP50OverProxy?: number;
    meRedisP99OverProxy?: number;
    meRedisRpsOverProxy?: number;
    sessionRpsBffOverBare?: number;
    sessionP50BffOverBare?: number;
    sessionP99BffOverBare?: number;
    /** Server CPU per request, BFF ÷ bare: the load-independent view of the same cost. */
    meCpuBffOverProxy?: number;
    /** A declared API route (BFF_APIS) to Graph /me ÷ the bare proxy. */
    declaredP50OverProxy?: number;
    declaredP99OverProxy?: number;
    declaredRpsOverProxy?: number;
    meRedisCpuOverProxy?: number;
    sessionCpuBffOverBare?: number;
  };
  memory: { memoryStore?: MemoryFigures | Skipped; redisStore?: RedisMemoryFigures | Skipped };
  coldStart?: ColdStart | Skipped;
  spa?: SpaSize | Skipped;
  goals: Goal[];
  /** With --profile: the BFF's hottest functions during the /api/me load (figures include profiler overhead). */
  profile?: ProfileSummary;
  errors: string[];
  /** How long each section took, for keeping `--quick` a quick CI smoke run. */
  sectionSeconds: Record<string, number>;
  wallClockSeconds: number;
}

/** Narrows a figure that may have been skipped. */
export function measured<T extends object>(value: T | Skipped | undefined): T | undefined {
  return value !== undefined && !("skipped" in value) ? value : undefined;
}
