#!/usr/bin/env node
// Bundles the compiled server (dist/server.js) and its dependencies into that one file, so
// `pnpm start` and the container open one module instead of ~1,500 (typebox alone ships ~680):
// cold start halves. dist/ keeps the other compiled modules for the library export and doctor.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/server.js"],
  outfile: "dist/server.js",
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
  // CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
