#!/usr/bin/env node
// Bundles the compiled server (dist/server.js) and its dependencies into that one file, so
// `pnpm start` and the container open one module instead of ~1,500 (typebox alone ships ~680):
// cold start halves. dist/ keeps the other compiled modules for the library export and doctor.
// What is loaded with import() only when used becomes a chunk of its own under dist/chunks/: the
// emulator (emulator mode only: a production start never loads it or its control API) and
// OpenTelemetry's plugin (OTEL_* set).
import { rm } from "node:fs/promises";
import { build } from "esbuild";

await rm("dist/chunks", { recursive: true, force: true });
const { metafile } = await build({
  metafile: true,
  entryPoints: { server: "dist/server.js" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  // Loaded with import() only when used (pretty logs on a terminal; OTEL_* set): not parsed at
  // start otherwise. They stay in node_modules, resolved from dist/ at run time.
  // (@opentelemetry/api stays bundled: prom-client requires it at start.)
  external: [
    "pino-pretty",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/instrumentation-undici",
  ],
  logLevel: "warning",
  // CommonJS dependencies call require() for Node built-ins (each chunk is a module of its own).
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

// The guard: nothing the server loads at start (dist/server.js and the chunks it imports
// statically) may come from the emulator package; only its import() chunk may.
const startClosure = new Set();
const visit = (file) => {
  if (startClosure.has(file)) return;
  startClosure.add(file);
  for (const next of metafile.outputs[file]?.imports ?? []) {
    if (next.kind === "import-statement" && !next.external) visit(next.path);
  }
};
visit("dist/server.js");
const leaked = [...startClosure].flatMap((file) =>
  Object.keys(metafile.outputs[file]?.inputs ?? {}).filter((input) => input.includes("entra-emulator/")),
);
if (leaked.length > 0) {
  console.error(`bundle: the emulator is loaded at start via ${leaked.slice(0, 3).join(", ")}`);
  process.exit(1);
}
