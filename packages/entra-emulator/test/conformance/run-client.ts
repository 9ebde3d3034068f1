import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { envLines } from "../../src/env-lines.js";
import type { Emulator } from "../../src/index.js";

export const CONFORMANCE_DIR = fileURLToPath(new URL(".", import.meta.url));

/** The environment `entra-emulator --print-env` gives an app, parsed back from its lines. */
export function printedEnv(emulator: Emulator): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of envLines(emulator)) {
    const [, key, raw] = line.match(/^([A-Z_]+)=(.*)$/) ?? [];
    if (key && raw !== undefined) env[key] = raw.replace(/^'(.*)'$/, "$1");
  }
  return env;
}

/**
 * Runs a client app as its own process — so NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE take
 * effect as they do for a user — and parses the one JSON line it prints.
 */
export function runClient<T>(command: string, args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: CONFORMANCE_DIR,
      // Only what a user's shell would hold: no inherited NODE_OPTIONS from the test runner.
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) {
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}\n${stdout}`));
        return;
      }
      resolve(JSON.parse(last) as T);
    });
  });
}
