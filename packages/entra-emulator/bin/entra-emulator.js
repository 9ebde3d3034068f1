#!/usr/bin/env node
// Thin shim so the bin exists before the first build; run `pnpm build` first.
await import("../dist/cli.js");
