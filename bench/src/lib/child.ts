import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

/** A server under test running in its own process. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The JSON object the child printed as its ready line (see `readyLine`), if any. */
  readonly info: Record<string, unknown>;
  /** Last lines of stderr, for error messages when the child dies. */
  tail(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * How readiness is detected: `"json-line"` waits for a stdout line `{"ready":true,...}`
   * (our own target scripts); a function is polled until it resolves true (the BFF, which we
   * run exactly as `pnpm start` does and therefore cannot ask to print anything).
   */
  ready: "json-line" | ((proc: ChildProcess) => Promise<boolean>);
  timeoutMs?: number;
  /** Open an IPC channel (`process.send`) to the child, for our own target scripts. */
  ipc?: boolean;
  /** Interval between readiness polls; small for cold-start timing. Default 20 ms. */
  pollIntervalMs?: number;
}

const live = new Set<ChildProcess>();

// Whatever happens to the harness, no server under test outlives it.
function killAllChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}
process.once("exit", killAllChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/** Spawns a child, resolves once it is ready, and rejects (killing it) on early exit or timeout. */
export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const proc = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  proc.once("exit", () => live.delete(proc));

  const stderrLines: string[] = [];
  const remember = (line: string) => {
    stderrLines.push(line);
    if (stderrLines.length > 30) stderrLines.shift();
  };
  createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on("line", remember);

  let info: Record<string, unknown> = {};
  const stdout = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const readyFromLine = new Promise<void>((resolve) => {
    stdout.on("line", (line) => {
      if (options.ready !== "json-line" || !line.startsWith("{")) return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.ready === true) {
          info = parsed;
          resolve();
        }
      } catch {
        // Not our ready line (e.g. a log line); keep waiting.
      }
    });
  });
  // Keep draining stdout so a chatty child never blocks on a full pipe.
  stdout.on("line", () => {});

  const child: Child = {
    name: options.name,
    process: proc,
    get info() {
      return info;
    },
    tail: () => stderrLines.join("\n"),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const killTimer = setTimeout(() => proc.kill("SIGKILL"), 3000);
      await once(proc, "exit");
      clearTimeout(killTimer);
    },
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  const exited = once(proc, "exit").then(([code, signal]) => {
    throw new Error(
      `${options.name} exited before it was ready (code ${code}, signal ${signal})\n${child.tail()}`,
    );
  });
  const ready =
    options.ready === "json-line"
      ? readyFromLine
      : pollUntil(
          () => (options.ready as (p: ChildProcess) => Promise<boolean>)(proc),
          timeoutMs,
          options.pollIntervalMs ?? 20,
          options.name,
        );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.name} not ready after ${timeoutMs} ms\n${child.tail()}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, exited, timeout]);
  } catch (error) {
    await child.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs: number,
  name: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms`);
}

/** Stops everything given (children, or wrappers around them), ignoring ones already gone. */
export async function stopAll(children: Array<{ stop(): Promise<void> } | undefined>): Promise<void> {
  await Promise.all(children.map((c) => c?.stop()));
}
