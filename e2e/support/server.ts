// Starts the built app exactly as `pnpm start` does (`node apps/bff/dist/server.js`, emulator mode)
// on free ports, and stops it again. Used by the global setup.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const repoRoot = new URL("../../", import.meta.url).pathname;
export const artifactsDir = join(repoRoot, "e2e/artifacts");
export const serverLogPath = join(artifactsDir, "server.log");
export const serverInfoPath = join(artifactsDir, "server.json");

/** Where the tests find the running app; written by the global setup. */
export interface ServerInfo {
  /** The app users open: `http://localhost:PORT` (also PUBLIC_URL). */
  baseUrl: string;
  /** The in-process Entra emulator, on another host (127.0.0.1) so cookies never mix. */
  emulatorUrl: string;
}

/** Reads what the global setup wrote; fails clearly when the suite was started some other way. */
export function readServerInfo(): ServerInfo {
  try {
    return JSON.parse(readFileSync(serverInfoPath, "utf8")) as ServerInfo;
  } catch {
    throw new Error(`no ${serverInfoPath}: run the suite with \`pnpm --filter @entra-bff/e2e test\``);
  }
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "localhost", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `pnpm build`, unless the caller (root `pnpm test`) has built already. */
export function buildUnlessSkipped(): void {
  if (process.env.E2E_SKIP_BUILD === "1") return;
  console.log("[e2e] pnpm build (set E2E_SKIP_BUILD=1 to skip)");
  const result = spawnSync("pnpm", ["build"], { cwd: repoRoot, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`pnpm build failed (exit ${result.status})`);
}

export interface RunningServer {
  info: ServerInfo;
  stop(): Promise<void>;
}

/**
 * Spawns `node apps/bff/dist/server.js` with no ENTRA_* settings (so the emulator starts in-process),
 * captures its output into e2e/artifacts/server.log and resolves once `/readyz` answers 200.
 */
export async function startServer(): Promise<RunningServer> {
  mkdirSync(artifactsDir, { recursive: true });
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const baseUrl = `http://localhost:${port}`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;

  const webDist = snapshotWebDist();
  const env: NodeJS.ProcessEnv = {};
  // Keep only what node needs to run; no ENTRA_* or REDIS_URL from the caller's shell leak in.
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    NODE_ENV: "production",
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    PUBLIC_URL: baseUrl,
    LOG_LEVEL: "info",
    // Every scenario signs in (some several times) from one IP within a minute; the default 30/min
    // limit is tested by the BFF's own suite.
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    WEB_DIST_DIR: webDist,
  });

  const log = createWriteStream(serverLogPath);
  // cwd: the artifacts dir, so a developer's .env at the repo root cannot switch the app to a real tenant.
  const child = spawn(process.execPath, [join(repoRoot, "apps/bff/dist/server.js")], {
    cwd: artifactsDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  const info: ServerInfo = { baseUrl, emulatorUrl };
  try {
    await waitForReady(child, `${baseUrl}/readyz`);
  } catch (error) {
    await stopChild(child);
    log.end();
    rmSync(webDist, { recursive: true, force: true });
    printServerLog();
    throw error;
  }
  writeFileSync(serverInfoPath, `${JSON.stringify(info, null, 2)}\n`);
  return {
    info,
    async stop() {
      await stopChild(child);
      log.end();
      rmSync(webDist, { recursive: true, force: true });
    },
  };
}

/**
 * A private copy of the built SPA for the server to serve: a `pnpm build` started meanwhile (by
 * another package's watcher or a colleague in the same tree) empties apps/web/dist and would turn
 * pages into 404s mid-run. Same files, same server code; only WEB_DIST_DIR points at the copy.
 */
function snapshotWebDist(): string {
  const built = join(repoRoot, "apps/web/dist");
  if (!existsSync(join(built, "index.html"))) {
    throw new Error(`${built}/index.html is missing: run \`pnpm build\` (or unset E2E_SKIP_BUILD)`);
  }
  const copy = mkdtempSync(join(tmpdir(), "e2e-web-dist-"));
  cpSync(built, copy, { recursive: true });
  return copy;
}

async function waitForReady(child: ChildProcess, url: string, timeoutMs = 30_000): Promise<void> {
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `the server exited early (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}

/** Prints the captured server output (on failure, so CI logs show why). */
export function printServerLog(): void {
  try {
    console.error(
      `\n--- ${serverLogPath} ---\n${readFileSync(serverLogPath, "utf8")}--- end of server log ---\n`,
    );
  } catch {
    console.error(`(no server log at ${serverLogPath})`);
  }
}
