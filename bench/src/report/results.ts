import type { ProfileSummary } from "../lib/cpu-profile.js";
import type { LoadSummary } from "../lib/load.js";
import type { MachineInfo } from "../lib/machine.js";
import type { ColdStart } from "../suites/cold-start.js";
import type { SpaSize } from "../suites/spa-size.js";

/**
 * Identifiers of the compared HTTP targets, in report order; also the names `--only` takes.
 * "Stub" targets have the static Graph stub upstream (issue 20's targets are judged there),
 * "Emulator" ones the emulator's Graph, which checks every JWT.
 */
export const targetIds = [
  "meStub",
  "declaredStub",
  "meRedisStub",
  "bareProxyStub",
  "floorProxyStub",
  "dutiesProxyStub",
  "meEmulator",
  "declaredEmulator",
  "bareProxyEmulator",
  "session",
  "bareJsonSession",
  "floorSession",
  "dutiesSession",
] as const;
export type TargetId = (typeof targetIds)[number];

export const targetLabels: Record<TargetId, string> = {
  meStub: "BFF GET /api/me (memory store) → static stub",
  declaredStub: "BFF GET /api/graph/me (declared API, memory store) → static stub",
  meRedisStub: "BFF GET /api/me (Redis store) → static stub",
  bareProxyStub: "bare Fastify proxy → static stub",
  floorProxyStub: "floor: cookie + HMAC + Map lookup, proxy → static stub",
  dutiesProxyStub: "floor + the BFF's per-request duties, proxy → static stub",
  meEmulator: "BFF GET /api/me (memory store) → emulator Graph",
  declaredEmulator: "BFF GET /api/graph/me (declared API, memory store) → emulator Graph",
  bareProxyEmulator: "bare Fastify proxy → emulator Graph",
  session: "BFF GET /api/session (memory store)",
  bareJsonSession: "bare Fastify, same JSON",
  floorSession: "floor: cookie + HMAC + Map lookup, same JSON",
  dutiesSession: "floor + the BFF's per-request duties, same JSON",
};

/** One ratio row: `over` ÷ `under`, measured in the same run. */
export interface Comparison {
  key: string;
  label: string;
  over: TargetId;
  under: TargetId;
}

export const comparisons: readonly Comparison[] = [
  { key: "meStub", label: "/api/me ÷ bare proxy (stub)", over: "meStub", under: "bareProxyStub" },
  {
    key: "declaredStub",
    label: "declared API ÷ bare proxy (stub)",
    over: "declaredStub",
    under: "bareProxyStub",
  },
  {
    key: "meRedisStub",
    label: "/api/me Redis ÷ bare proxy (stub)",
    over: "meRedisStub",
    under: "bareProxyStub",
  },
  {
    key: "redisOverMemory",
    label: "/api/me Redis ÷ memory store (stub)",
    over: "meRedisStub",
    under: "meStub",
  },
  { key: "meFloor", label: "/api/me ÷ floor proxy (stub)", over: "meStub", under: "floorProxyStub" },
  {
    key: "declaredFloor",
    label: "declared API ÷ floor proxy (stub)",
    over: "declaredStub",
    under: "floorProxyStub",
  },
  { key: "meDuties", label: "/api/me ÷ floor + duties (stub)", over: "meStub", under: "dutiesProxyStub" },
  {
    key: "dutiesProxy",
    label: "floor + duties ÷ bare proxy (stub)",
    over: "dutiesProxyStub",
    under: "bareProxyStub",
  },
  {
    key: "floorProxy",
    label: "floor proxy ÷ bare proxy (stub)",
    over: "floorProxyStub",
    under: "bareProxyStub",
  },
  {
    key: "meEmulator",
    label: "/api/me ÷ bare proxy (emulator)",
    over: "meEmulator",
    under: "bareProxyEmulator",
  },
  {
    key: "declaredEmulator",
    label: "declared API ÷ bare proxy (emulator)",
    over: "declaredEmulator",
    under: "bareProxyEmulator",
  },
  { key: "session", label: "/api/session ÷ bare Fastify", over: "session", under: "bareJsonSession" },
  { key: "sessionFloor", label: "/api/session ÷ floor", over: "session", under: "floorSession" },
  { key: "floorSession", label: "floor ÷ bare Fastify", over: "floorSession", under: "bareJsonSession" },
  { key: "sessionDuties", label: "/api/session ÷ floor + duties", over: "session", under: "dutiesSession" },
  {
    key: "dutiesSession",
    label: "floor + duties ÷ bare Fastify",
    over: "dutiesSession",
    under: "bareJsonSession",
  },
];

/** `over` ÷ `under` for each figure; cpu only when both CPU times are known. */
export interface RatioFigures {
  p50: number;
  p99: number;
  rps: number;
  cpu?: number;
}

export type Skipped = { skipped: string };

/** One memory-store probe: a session shape replayed N times. */
export interface MemoryProbeFigures {
  /** Sessions created → heapUsed / RSS after a forced GC, bytes. */
  points: Array<{ sessions: number; heapUsedBytes: number; rssBytes: number }>;
  /** Slope between the smallest and largest point. */
  heapBytesPerSession: number;
  rssBytesPerSession: number;
  /** What one copy holds: `kind key-prefix: N chars` per stored entry. */
  contents: string;
}

export interface MemoryCapacity {
  /** Sessions (with their index entries) the default memory store holds before it evicts. */
  sessions?: number;
  /** Keys it holds then, and how many of them one session takes. */
  keys?: number;
  keysPerSession?: number;
  /** The probe stopped at its limit without the store evicting. */
  reachedProbeLimit: boolean;
  /** The BFF setting that raises the cap, if config.ts has one, and its default in keys. */
  setting?: { name: string; description: string; defaultKeys?: number };
}

export interface MemoryFigures {
  /** (a) What an idle session stores itself: record and token cache (its access tokens have lapsed). */
  idle: MemoryProbeFigures;
  /** A session in use: (a) plus its shared access token(s). */
  active?: MemoryProbeFigures;
  /** The session record alone. */
  recordOnly?: MemoryProbeFigures;
  /** (b) Plus the per-user index entries the BFF wrote for it. */
  withIndex?: MemoryProbeFigures;
  /** (c) (b) for a user in 200 groups (the emulator's `groups` claim). */
  groups?: MemoryProbeFigures;
  capacity?: MemoryCapacity | Skipped;
  /** The UPNs the replayed sessions belong to. */
  users: { idle: string; groups?: string };
}

export interface RedisPrefixRow {
  /** Key pattern, ids replaced by `*`, without the BFF's REDIS_KEY_PREFIX. */
  prefix: string;
  keys: number;
  bytesPerSession: number;
}

export interface RedisMemoryFigures {
  /** Sessions signed in when the keys were read; every key is divided by it. */
  sessions: number;
  /** `MEMORY USAGE` of every key the BFF left, grouped by prefix, per session. */
  byPrefix: RedisPrefixRow[];
  bytesPerSession: number;
  /** The keys of one session of the 200-groups user, with its index entries. */
  groupsSession?: { byPrefix: RedisPrefixRow[]; bytes: number };
}

export interface Goal {
  name: string;
  target: string;
  actual: string;
  /** null: not measured; "reported": a figure the issue asks for, without a threshold. */
  met: boolean | null | "reported";
}

/** A BFF's CPU profile (--profile), labelled with the BFF it comes from. */
export interface ProfileReport {
  bff: string;
  /** The targets whose measured runs the samples are from. */
  targets: string[];
  summary: ProfileSummary;
  /** With one profiled target: its answers during the profiled runs, to turn shares into µs per request. */
  requests?: number;
}

/** Everything `pnpm bench` writes to bench/results/latest.json. */
export interface BenchResults {
  mode: "quick" | "full" | "only";
  machine: MachineInfo;
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    rounds: number;
    sessions: number;
    bffLogLevel: string;
    profiled: boolean;
    only?: TargetId[];
  };
  throughput: Partial<Record<TargetId, LoadSummary | Skipped>>;
  /** Keyed by Comparison.key. */
  ratios: Record<string, RatioFigures>;
  memory: { memoryStore?: MemoryFigures | Skipped; redisStore?: RedisMemoryFigures | Skipped };
  coldStart?: ColdStart | Skipped;
  spa?: SpaSize | Skipped;
  goals: Goal[];
  /** With --profile: the profiled BFFs' hottest code during their measured runs. */
  profiles?: ProfileReport[];
  errors: string[];
  /** How long each section took, for keeping `--quick` a quick smoke run. */
  sectionSeconds: Record<string, number>;
  wallClockSeconds: number;
}

/** A run's results before any figure is in. */
export function emptyResults(run: Pick<BenchResults, "mode" | "machine" | "settings">): BenchResults {
  return {
    ...run,
    throughput: {},
    ratios: {},
    memory: {},
    goals: [],
    errors: [],
    sectionSeconds: {},
    wallClockSeconds: 0,
  };
}

/** Narrows a figure that may have been skipped. */
export function measured<T extends object>(value: T | Skipped | undefined): T | undefined {
  return value !== undefined && !("skipped" in value) ? value : undefined;
}
