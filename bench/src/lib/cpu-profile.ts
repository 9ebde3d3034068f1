import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BundleMap } from "./bundle-map.js";
import { paths } from "./paths.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** A `.cpuprofile` as `node --cpu-prof` writes it (times in µs of the monotonic clock). */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFrame {
  frame: string;
  /** Share of the busy samples (idle excluded) spent in this frame itself, percent. */
  selfPercent: number;
  /** Share of the busy samples with this frame anywhere on the stack (inclusive), percent. */
  totalPercent: number;
}

export interface ProfileSummary {
  /** Share of the samples in the window the process was busy (not idle), percent. */
  busyPercent: number;
  /** Busy (not idle) time the samples stand for, µs: the profiled thread's CPU time, roughly. */
  busyMicros: number;
  /** Samples the figures are computed from. */
  samples: number;
  /** False when no sample fell in the measured windows and the whole profile was used. */
  windowed: boolean;
  /** Hottest functions by self time, and by total (inclusive) time. */
  functions: HotFrame[];
  functionsByTotal: HotFrame[];
  /** The same rolled up per package (or our own source file), so a costly dependency stands out. */
  packages: HotFrame[];
  packagesByTotal: HotFrame[];
}

/** A span of the harness' monotonic clock, in ns (`process.hrtime.bigint()`). */
export type Window = readonly [bigint, bigint];

/** `node_modules/.pnpm/x@1/node_modules/@scope/name/…` → `@scope/name`; our files stay paths. */
function packageOf(where: string): string {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (match?.[1]) return match[1];
  if (where.startsWith("node:")) return "node: (core)";
  // The BFF's only WebAssembly is undici's llhttp (its HTTP/1.1 response parser).
  if (where.startsWith("wasm://")) return "undici (llhttp wasm)";
  return where.replace(/:\d+$/, "") || "(native / V8)";
}

interface Place {
  frame: string;
  pkg: string;
  /** Node's own code or native (no script): plumbing, not the BFF's choice. */
  core: boolean;
}

/** Where a frame's code is: repo-relative, and through the bundle's module markers for the BFF. */
function locate(node: ProfileNode, bundles: BundleMap): Place {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url)
    return { frame: name, pkg: functionName ? `(native) ${functionName}` : "(native / V8)", core: true };
  if (!url.startsWith("file://")) {
    return { frame: `${name} ${url}:${lineNumber + 1}`, pkg: packageOf(url), core: url.startsWith("node:") };
  }
  const file = new URL(url).pathname;
  const module = bundles.moduleAt(file, lineNumber);
  const where = module ?? `${relative(paths.repoRoot, file)}:${lineNumber + 1}`;
  return { frame: `${name} ${where}`, pkg: packageOf(module ?? relative(paths.repoRoot, file)), core: false };
}

/** The node ids sampled inside `windows` (all when `windows` is empty), and the µs they cover. */
function sampledNodes(profile: CpuProfile, windows: readonly Window[]): { ids: number[]; micros: number } {
  const spans = windows.map(([from, to]) => [Number(from / 1000n), Number(to / 1000n)] as const);
  const ids: number[] = [];
  let micros = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (spans.length > 0 && !spans.some(([from, to]) => at >= from && at <= to)) return;
    ids.push(id);
    micros += delta;
  });
  return { ids, micros };
}

class Tally {
  readonly self = new Map<string, number>();
  readonly total = new Map<string, number>();
  /** Node core and native keys (event loop, streams, microtasks, GC). */
  readonly core = new Set<string>();
  add(selfKey: string, stackKeys: ReadonlySet<string>, hits: number): void {
    this.self.set(selfKey, (this.self.get(selfKey) ?? 0) + hits);
    for (const key of stackKeys) this.total.set(key, (this.total.get(key) ?? 0) + hits);
  }
  top(busy: number, count: number, by: "self" | "total"): HotFrame[] {
    const pct = (n: number) => Math.round((n / busy) * 1000) / 10;
    return (
      [...(by === "self" ? this.self : this.total)]
        // By total, Node's own and native frames (event loop, streams, microtasks) top every list
        // and say nothing about the BFF: left out there, they stay in the self-time lists.
        .filter(([key]) => by === "self" || !this.core.has(key))
        .sort((a, b) => b[1] - a[1])
        .slice(0, count)
        .map(([frame]) => ({
          frame,
          selfPercent: pct(this.self.get(frame) ?? 0),
          totalPercent: pct(this.total.get(frame) ?? 0),
        }))
    );
  }
}

/**
 * Where a process spent its busy time, from the `.cpuprofile` files of `dir` (written by
 * `node --cpu-prof`), counting only samples inside `windows` (the measured runs, so start-up,
 * sign-ins and warm-up are left out): the `count` hottest functions by self and by total
 * (inclusive: the function anywhere on the stack, counted once per sample) time, and the same
 * per package — so a missed target names its cost.
 */
export function summarizeProfiles(dir: string, windows: readonly Window[] = [], count = 15): ProfileSummary {
  const bundles = new BundleMap(paths.repoRoot);
  const functions = new Tally();
  const packages = new Tally();
  let busy = 0;
  let all = 0;
  let windowed = windows.length > 0;
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile);
  // Clocks that do not line up (no sample inside any window) fall back to the whole profile.
  if (windowed && profiles.every((p) => sampledNodes(p, windows).ids.length === 0)) windowed = false;
  let busyMicros = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const hits = new Map<number, number>();
    const sampled = sampledNodes(profile, windowed ? windows : []);
    for (const id of sampled.ids) hits.set(id, (hits.get(id) ?? 0) + 1);
    const idle = sampled.ids.filter((id) => byId.get(id)?.callFrame.functionName === "(idle)").length;
    if (sampled.ids.length > 0)
      busyMicros += (sampled.micros * (sampled.ids.length - idle)) / sampled.ids.length;
    const located = new Map<number, Place>();
    const where = (node: ProfileNode) => {
      const known = located.get(node.id);
      if (known) return known;
      const place = locate(node, bundles);
      located.set(node.id, place);
      if (place.core) {
        functions.core.add(place.frame);
        packages.core.add(place.pkg);
      }
      return place;
    };
    for (const [id, n] of hits) {
      all += n;
      const node = byId.get(id);
      if (!node || node.callFrame.functionName === "(idle)") continue;
      busy += n;
      const stackFrames = new Set<string>();
      const stackPackages = new Set<string>();
      for (let at: ProfileNode | undefined = node; at; at = byId.get(parent.get(at.id) ?? -1)) {
        if (at.callFrame.functionName === "(root)") continue;
        const place = where(at);
        stackFrames.add(place.frame);
        stackPackages.add(place.pkg);
      }
      const own = where(node);
      functions.add(own.frame, stackFrames, n);
      packages.add(own.pkg, stackPackages, n);
    }
  }
  if (all === 0 || busy === 0) throw new Error(`no CPU profile samples in ${dir}`);
  return {
    busyPercent: Math.round((busy / all) * 1000) / 10,
    busyMicros: Math.round(busyMicros),
    samples: all,
    windowed,
    functions: functions.top(busy, count, "self"),
    functionsByTotal: functions.top(busy, count + 5, "total"),
    packages: packages.top(busy, count, "self"),
    packagesByTotal: packages.top(busy, count, "total"),
  };
}
