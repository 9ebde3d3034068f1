import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

/**
 * Maps a line of an esbuild bundle (the BFF's dist/server.js and dist/chunks/*.js) back to the
 * module it came from. A non-minified esbuild bundle opens every module with a comment naming its
 * path (`// ../../node_modules/.pnpm/fastify@5/node_modules/fastify/lib/reply.js`,
 * `// dist/session/record-format.js`), so no source map is needed to tell packages apart.
 */
export class BundleMap {
  private readonly files = new Map<string, Array<{ line: number; module: string }> | null>();

  constructor(private readonly repoRoot: string) {}

  /** The repo-relative module at 0-based `line` of `file`, or undefined for a file that is no bundle. */
  moduleAt(file: string, line: number): string | undefined {
    const markers = this.markersOf(file);
    if (!markers) return undefined;
    let low = 0;
    let high = markers.length - 1;
    let found: string | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const marker = markers[mid] as { line: number; module: string };
      if (marker.line <= line) {
        found = marker.module;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found ?? `${relative(this.repoRoot, file)} (bundle runtime)`;
  }

  private markersOf(file: string): Array<{ line: number; module: string }> | null {
    const known = this.files.get(file);
    if (known !== undefined) return known;
    let markers: Array<{ line: number; module: string }> | null = null;
    // Only the BFF's bundles: any other file keeps its own path.
    if (/\/dist\/(server\.js|chunks\/[^/]+\.js)$/.test(file) && existsSync(file)) {
      const packageDir = resolve(dirname(file), file.includes("/chunks/") ? "../.." : "..");
      markers = [];
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((text, line) => {
        const match = /^\/\/ (\S+\.(?:[cm]?js|ts|json))$/.exec(text);
        if (match?.[1]) markers?.push({ line, module: this.sourceOf(packageDir, match[1]) });
      });
      if (markers.length === 0) markers = null;
    }
    this.files.set(file, markers);
    return markers;
  }

  /** `dist/x.js` of the BFF → `apps/bff/src/x.ts` when that exists; node_modules paths as they are. */
  private sourceOf(packageDir: string, modulePath: string): string {
    const absolute = resolve(packageDir, modulePath);
    const source = absolute.replace(/\/dist\//, "/src/").replace(/\.js$/, ".ts");
    return relative(this.repoRoot, source !== absolute && existsSync(source) ? source : absolute);
  }
}
