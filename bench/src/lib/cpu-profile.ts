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
  selfPercent: number;
}

/**
 * The `top` functions by self time in the `.cpuprofile` files of `dir` (written by
 * `node --cpu-prof`), with repo-relative locations, so a missed target names its cost.
 */
export function hottestFrames(dir: string, top = 15): HotFrame[] {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: ProfileNode[] };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.startsWith("file://") ? relative(paths.repoRoot, new URL(url).pathname) : url;
      const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
      self.set(key, (self.get(key) ?? 0) + hits);
      total += hits;
    }
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, hits]) => ({ frame, selfPercent: Math.round((hits / total) * 1000) / 10 }));
}
