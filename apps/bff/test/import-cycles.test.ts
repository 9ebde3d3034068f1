import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A guard for the whole repository: no module of apps/* or packages/* (sources and tests) may
// import itself back through a chain of static imports, as routes/authorize.ts -> app.ts once did.
// `import type` / `export type` are left out: TypeScript erases them, so they never change the
// order modules load in. Dynamic import() is left out too: it loads after the importer has run.
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SOURCE = /\.(ts|tsx|mts)$/;
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes("node_modules"));
}

/** A relative specifier ("./app.js") as the file it names, or undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.(m?js|jsx)$/, "");
  const candidates = [".ts", ".tsx", ".mts", "/index.ts", "/index.tsx"].map((ext) => base + ext);
  return candidates.find((file) => existsSync(file));
}

/** file -> the files it imports statically (value imports only). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(STATIC_IMPORT)]
      .map((match) => resolveImport(file, match[1] ?? ""))
      .filter((target): target is string => target !== undefined);
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle, each once, as the chain of nodes from its smallest node back to it. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") {
        const loop = path.slice(path.indexOf(next));
        const start = loop.indexOf([...loop].sort()[0] ?? "");
        const chain = [...loop.slice(start), ...loop.slice(0, start)];
        cycles.set(chain.join(" -> "), [...chain, chain[0] ?? ""]);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

describe("import cycles", () => {
  it("finds a cycle through value imports and ignores type-only ones (the detector works)", () => {
    const graph = new Map([
      ["app", ["routes"]],
      ["routes", ["flow"]],
      ["flow", ["app", "leaf"]],
      ["leaf", []],
    ]);
    expect(cyclesOf(graph)).toEqual([["app", "routes", "flow", "app"]]);
    const source =
      'import type { A } from "./a.js";\nexport type { B } from "./b.js";\nimport { c } from "./c.js";';
    expect([...source.matchAll(STATIC_IMPORT)].map((m) => m[1])).toEqual(["./c.js"]);
  });

  it("has none in apps/ and packages/", () => {
    const roots = ["apps", "packages"].flatMap((group) =>
      readdirSync(join(ROOT, group)).flatMap((name) =>
        ["src", "test"].map((dir) => join(ROOT, group, name, dir)),
      ),
    );
    const graph = importGraph(roots.flatMap(sourceFiles));
    expect(graph.size).toBeGreaterThan(100);
    const cycles = cyclesOf(graph).map((cycle) => cycle.map((file) => relative(ROOT, file)).join(" -> "));
    expect(cycles).toEqual([]);
  });
});
