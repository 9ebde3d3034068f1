#!/usr/bin/env node
// `pnpm dev`: the BFF (restarted on change) + the Vite dev server with HMR.
// Open http://localhost:5173 — Vite proxies /api, /login, /getAToken and /logout to the BFF,
// so the BFF's public URL (and its redirect URI) is the Vite origin.
import { spawn } from "node:child_process";

const vitePort = process.env.VITE_PORT ?? "5173";
const bffPort = process.env.PORT ?? "5000";
const env = {
  ...process.env,
  PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${vitePort}`,
  PORT: bffPort,
  BFF_URL: `http://localhost:${bffPort}`,
};

const children = [
  spawn("pnpm", ["--filter", "@entra-bff/bff", "dev"], { stdio: "inherit", env }),
  spawn("pnpm", ["--filter", "@entra-bff/web", "dev", "--port", vitePort, "--strictPort"], {
    stdio: "inherit",
    env,
  }),
];

function stop(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exitCode = code;
}
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));
