import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface SpaSize {
  /** Files loaded before first render: the entry script, its modulepreloads and stylesheets. */
  jsFiles: string[];
  cssFiles: string[];
  jsBytes: number;
  jsGzipBytes: number;
  cssBytes: number;
  cssGzipBytes: number;
}

/**
 * Measures the SPA's initial download from the production build: everything `index.html` pulls
 * in up front (module scripts, `modulepreload` links, stylesheets), gzipped at level 9.
 * Lazy chunks are not counted — they are not on the first-render path.
 */
export function measureSpaSize(distDir: string): SpaSize {
  const indexFile = join(distDir, "index.html");
  if (!existsSync(indexFile)) {
    throw new Error(`${indexFile} not found: build the SPA first (pnpm build)`);
  }
  const html = readFileSync(indexFile, "utf8");
  const jsFiles = new Set<string>();
  const cssFiles = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const src = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (!src || /^(https?:)?\/\//.test(src)) continue;
    if (tag.startsWith("<script") && /type="module"/.test(tag)) jsFiles.add(src);
    else if (/rel="modulepreload"/.test(tag)) jsFiles.add(src);
    else if (/rel="stylesheet"/.test(tag)) cssFiles.add(src);
  }
  const sizes = (files: Set<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const bytes = readFileSync(join(distDir, file.replace(/^\//, "")));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { raw, gzip };
  };
  const js = sizes(jsFiles);
  const css = sizes(cssFiles);
  return {
    jsFiles: [...jsFiles],
    cssFiles: [...cssFiles],
    jsBytes: js.raw,
    jsGzipBytes: js.gzip,
    cssBytes: css.raw,
    cssGzipBytes: css.gzip,
  };
}
