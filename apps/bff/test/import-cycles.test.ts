import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
// Static imports and re-exports (type-only ones too) and dynamic import() of relative modules.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(SPECIFIER)].map((match) =>
      resolve(dirname(file), String(match[1]).replace(/\.js$/, ".ts")),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle found by a depth-first search, as a list of src-relative paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node].map((file) => relative(SRC, file)));
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of graph.keys()) visit(node);
  return found;
}

describe("apps/bff/src module graph", () => {
  it("reads the imports it checks (the scan is not vacuous)", () => {
    const graph = importGraph();
    expect(graph.get(join(SRC, "app.ts"))).toContain(join(SRC, "routes/auth.ts"));
    expect(graph.get(join(SRC, "emulator-mode.ts"))).toContain(join(SRC, "emulator-idp.ts"));
  });

  it("has no import cycles", () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      [join(SRC, "a.ts"), [join(SRC, "b.ts")]],
      [join(SRC, "b.ts"), [join(SRC, "a.ts")]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "a.ts"]]);
  });
});
