import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./free-port.js";
import { until } from "./until.js";

/** A throwaway Debian `redis-server` on a free loopback port, for one test file. */
export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Graceful shutdown (SIGTERM) and removal of the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL, for fault tests: the server vanishes without closing anything cleanly. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after kill or stop), empty. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

export interface RedisServerOptions {
  /** Starts Redis with `--requirepass`. */
  password?: string;
  /** More `redis-server` arguments, e.g. `["--user", "alice on >pw ~* &* +@all"]`. */
  args?: string[];
}

const notInstalled = (command: string) =>
  `${command} is not on PATH. Install it (Debian/Ubuntu: apt-get install ${command}) ` +
  "or run scripts/ensure-system-deps.sh as root.";

/** Live servers, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `redis-server` on a free port with a temp dir and no persistence, and resolves once it
 * answers. Throws one clear error when redis-server is not installed.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "entra-bff-redis-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
    ...(options.password ? ["--requirepass", options.password] : []),
    ...(options.args ?? []),
  ];
  let child = await launch(args, port);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";

  async function signal(name: NodeJS.Signals): Promise<void> {
    const current = child;
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = once(current, "exit");
    current.kill(name);
    await exited;
  }

  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill("SIGCONT");
      await signal("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => signal("SIGKILL"),
    async restart() {
      await signal("SIGKILL");
      child = await launch(args, port);
    },
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}

/**
 * Spawns a Redis program (`redis-server`, or `redis-sentinel` with a config file) and resolves
 * once it answers on `port`; it is killed if the test process exits first.
 */
export async function launch(args: string[], port: number, command = "redis-server"): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "ENOENT" ? new Error(notInstalled(command)) : error);
    });
    child.once("exit", (code, signal) => {
      reject(new Error(`${command} exited before answering (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  failed.catch(() => {});
  await Promise.race([waitForPong(port), failed]);
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Polls with a raw PING until Redis answers (+PONG, or -NOAUTH when a password is set). */
async function waitForPong(port: number, deadlineMs = 10_000): Promise<void> {
  await until(() => answersPing(port), `Redis on port ${port} to answer`, deadlineMs);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      const reply = data.toString();
      socket.destroy();
      // LOADING means not ready yet; anything else is a live server.
      resolve(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** For a test file: one redis-server for the whole file; returns its URL once started. */
export function redisForFile(): () => string {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("redis-server did not start");
    return server.url;
  };
}
