import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { paths } from "./paths.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotFrame {
  frame: string;
  /** Share of the busy samples (idle excluded), percent. */
  selfPercent: number;
}

export interface ProfileSummary {
  /** Share of all samples the process was busy (not idle), percent. */
  busyPercent: number;
  functions: HotFrame[];
  /** Self time rolled up per package (or our own source file), so a costly dependency stands out. */
  packages: HotFrame[];
}

/** `node_modules/.pnpm/x@1/node_modules/@scope/name/…` → `@scope/name`; our files stay paths. */
function packageOf(where: string): string {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (match?.[1]) return match[1];
  if (where.startsWith("node:")) return "node: (core)";
  return where.replace(/:\d+$/, "") || "(native / V8)";
}

const top = (map: Map<string, number>, total: number, count: number): HotFrame[] =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, hits]) => ({ frame, selfPercent: Math.round((hits / total) * 1000) / 10 }));

/**
 * Where a process spent its busy time, from the `.cpuprofile` files of `dir` (written by
 * `node --cpu-prof`): the `count` hottest functions by self time, with repo-relative
 * locations, and the same rolled up per package — so a missed target names its cost.
 */
export function summarizeProfiles(dir: string, count = 15): ProfileSummary {
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: ProfileNode[] };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      all += hits;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === "(idle)") continue;
      busy += hits;
      const where = url.startsWith("file://") ? relative(paths.repoRoot, new URL(url).pathname) : url;
      const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
      functions.set(key, (functions.get(key) ?? 0) + hits);
      const pkg = where ? packageOf(where) : functionName;
      packages.set(pkg, (packages.get(pkg) ?? 0) + hits);
    }
  }
  if (all === 0) throw new Error(`no CPU profile samples in ${dir}`);
  return {
    busyPercent: Math.round((busy / all) * 1000) / 10,
    functions: top(functions, busy, count),
    packages: top(packages, busy, count),
  };
}
