#!/usr/bin/env -S node --
// `node --` before the script: Node 20 would otherwise take the CLI's own `--env-file FILE` as its
// option and fail before this file runs. The CLI itself is the compiled dist/cli.js (`pnpm build`).
await import("../dist/cli.js");
