import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BundleMap } from "../src/lib/bundle-map.js";
import { summarizeProfiles } from "../src/lib/cpu-profile.js";
import { paths } from "../src/lib/paths.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-test-"));
  dirs.push(dir);
  return dir;
};

const pkgFile = `file://${paths.repoRoot}node_modules/.pnpm/dep@1.0.0/node_modules/dep/index.js`;
const ownFile = `file://${paths.repoRoot}bench/src/run.ts`;
const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 0 });

/**
 * root → outer (dep) → inner (our file) → outer again (recursion), plus idle. Samples 1 ms apart
 * from t = 1000 µs: inner ×2, nested outer ×1, outer ×1, idle ×1.
 */
function writeProfile(dir: string): void {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 5] },
      { id: 2, callFrame: frame("outer", pkgFile), children: [3] },
      { id: 3, callFrame: frame("inner", ownFile), children: [4] },
      { id: 4, callFrame: frame("outer", pkgFile), children: [] },
      { id: 5, callFrame: frame("(idle)"), children: [] },
    ],
    startTime: 1000,
    samples: [3, 3, 4, 2, 5],
    timeDeltas: [1000, 1000, 1000, 1000, 1000],
  };
  writeFileSync(join(dir, "x.cpuprofile"), JSON.stringify(profile));
}

describe("summarizeProfiles", () => {
  it("splits self from total time, counts a recursive function once per sample, leaves idle out", () => {
    const dir = tempDir();
    writeProfile(dir);
    const summary = summarizeProfiles(dir);
    expect(summary.samples).toBe(5);
    expect(summary.busyPercent).toBe(80);
    // Five 1 ms samples, one idle: 4 ms busy.
    expect(summary.busyMicros).toBe(4000);
    const byName = new Map(summary.functions.map((f) => [f.frame.split(" ")[0], f]));
    // Busy samples: inner, inner, outer (nested), outer.
    expect(byName.get("inner")).toMatchObject({ selfPercent: 50, totalPercent: 75 });
    expect(byName.get("outer")).toMatchObject({ selfPercent: 50, totalPercent: 100 });
    expect(summary.functions.some((f) => f.frame.startsWith("(idle)"))).toBe(false);
    expect(summary.packages.find((p) => p.frame === "dep")).toMatchObject({
      selfPercent: 50,
      totalPercent: 100,
    });
    expect(summary.packages.find((p) => p.frame === "bench/src/run.ts")).toMatchObject({ totalPercent: 75 });
  });

  it("counts only samples inside the measured windows", () => {
    const dir = tempDir();
    writeProfile(dir);
    // Samples at 2000, 3000, 4000, 5000, 6000 µs: keep 2000–3000 (the two `inner` ones).
    const summary = summarizeProfiles(dir, [[2_000_000n, 3_000_000n]]);
    expect(summary.windowed).toBe(true);
    expect(summary.samples).toBe(2);
    expect(summary.busyMicros).toBe(2000);
    expect(summary.functions[0]).toMatchObject({ selfPercent: 100 });
    expect(summary.functions[0]?.frame.startsWith("inner")).toBe(true);
  });

  it("falls back to the whole profile when no sample is in any window", () => {
    const dir = tempDir();
    writeProfile(dir);
    const summary = summarizeProfiles(dir, [[1n, 2n]]);
    expect(summary.windowed).toBe(false);
    expect(summary.samples).toBe(5);
  });
});

describe("BundleMap", () => {
  it("maps a bundle line to the module esbuild's comment names, and our dist files to src", () => {
    const root = tempDir();
    mkdirSync(join(root, "apps/bff/dist/chunks"), { recursive: true });
    mkdirSync(join(root, "apps/bff/src/session"), { recursive: true });
    writeFileSync(join(root, "apps/bff/src/session/store.ts"), "");
    const bundle = join(root, "apps/bff/dist/server.js");
    writeFileSync(
      bundle,
      [
        "var __helper = 1;",
        "// ../../node_modules/.pnpm/fastify@5.0.0/node_modules/fastify/lib/reply.js",
        "function send() {}",
        "// dist/session/store.js",
        "function get() {}",
      ].join("\n"),
    );
    const map = new BundleMap(root);
    expect(map.moduleAt(bundle, 0)).toBe("apps/bff/dist/server.js (bundle runtime)");
    expect(map.moduleAt(bundle, 2)).toBe(
      "node_modules/.pnpm/fastify@5.0.0/node_modules/fastify/lib/reply.js",
    );
    expect(map.moduleAt(bundle, 4)).toBe("apps/bff/src/session/store.ts");
    // Not a bundle: callers keep the file's own path.
    expect(map.moduleAt(join(root, "apps/bff/src/session/store.ts"), 0)).toBeUndefined();
  });
});
