// Runs src/server.ts as `pnpm start` would (a real process, real signals), from TypeScript via tsx.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Emulator } from "@entra-bff/entra-emulator";
import { afterEach } from "vitest";

const SERVER = fileURLToPath(new URL("../../src/server.ts", import.meta.url));
// Resolved from here: the server runs in a temp dir (no .env), where a bare "tsx" would not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written so far to stdout / stderr. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first stdout text matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const running: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    await server.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts the BFF with exactly `env` (plus PATH/HOME), in an empty working directory; `nodeArgs`
 * go before the entry point (e.g. another `--import`).
 */
export function startServerProcess(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  entry = SERVER,
): ServerProcess {
  const cwd = mkdtempSync(join(tmpdir(), "entra-bff-server-"));
  dirs.push(cwd);
  const args = [
    ...nodeArgs,
    ...(entry.endsWith(".ts") ? ["--conditions=source", "--import", TSX] : []),
    entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  const server: ServerProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${pattern} in the server's output:\n${out}\n${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
  running.push(server);
  return server;
}

/** The JSON log lines of a server's stdout. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Signs `username` in over real HTTP (/login → the emulator → /getAToken) and returns the Cookie
 * header of the session and the authorization code the callback carried.
 */
export async function signInOverHttp(
  base: string,
  emulator: Emulator,
  username: string,
): Promise<{ cookie: string; code: string }> {
  const login = await fetch(`${base}/login`, { redirect: "manual" });
  const preLogin = login.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const redirect = await emulator.signIn(String(login.headers.get("location")), username);
  const done = await fetch(`${base}${redirect.pathname}${redirect.search}`, {
    redirect: "manual",
    headers: { cookie: preLogin.join("; ") },
  });
  if (done.status !== 302) throw new Error(`/getAToken answered ${done.status}`);
  const cookie = done.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .filter((value) => value?.includes("bff.sid="))
    .join("; ");
  return { cookie, code: redirect.searchParams.get("code") ?? "" };
}
