import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { simpleRequest } from "../src/http-client.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

/** Runs the CLI from source (tsx, a root dev dependency) and collects its output. `--` ends
 * Node's options: Node 20 would otherwise take the CLI's `--env-file` as its own. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "--", "src/cli.ts", ...args], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(stdout)) resolve(stdout);
      };
      child.stdout?.on("data", check);
      child.on("exit", () =>
        pattern.test(stdout) ? resolve(stdout) : reject(new Error(`CLI exited: ${stderr}`)),
      );
    });
  return { child, exited, printed, output: () => ({ stdout, stderr }) };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

// Each run starts a Node process with tsx: allow for a loaded 2-core machine.
describe("the entra-emulator CLI", { timeout: 30_000 }, () => {
  it("accepts the literal -- that `pnpm … start -- --port N` passes first", async () => {
    const cli = runCli(["--", "--port", "0"]);
    const stdout = await cli.printed(/Diego Siciliani/);
    expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).not.toContain(":5001");
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("prints the URLs, tenant, client and demo users, serves discovery, and stops on SIGTERM", async () => {
    const cli = runCli(["--port", "0"]);
    const stdout = await cli.printed(/Diego Siciliani/);
    const url = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(url).toBeTruthy();
    expect(stdout).toContain("tenant            dcd219dd-bc68-4b9b-bf0b-4a33a796be35");
    expect(stdout).toContain("client id         0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10");
    expect(stdout).toContain("AdeleV@M365x214355.onmicrosoft.com");
    expect(stdout).toContain("(no photo)");
    const discovery = (await (
      await fetch(`${url}/dcd219dd-bc68-4b9b-bf0b-4a33a796be35/v2.0/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
    };
    expect(discovery.issuer).toBe(`${url}/dcd219dd-bc68-4b9b-bf0b-4a33a796be35/v2.0`);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("--https --print-env: only KEY=value lines on stdout, for an https emulator that serves them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    try {
      const envFile = join(dir, "emulator.env");
      writeFileSync(envFile, "stale\n", { mode: 0o644 }); // an older, world-readable file
      const cli = runCli(["--port", "0", "--https", "--print-env", "--env-file", envFile]);
      const stdout = await cli.printed(/REQUESTS_CA_BUNDLE=.*\n/);
      const lines = stdout.trim().split("\n");
      expect(lines.map((line) => line.split("=")[0])).toEqual([
        "ENTRA_AUTHORITY",
        "ENTRA_AUTHORITY_HOST",
        "ENTRA_TENANT_ID",
        "ENTRA_CLIENT_ID",
        "ENTRA_CLIENT_SECRET",
        "GRAPH_BASE_URL",
        "NODE_EXTRA_CA_CERTS",
        "REQUESTS_CA_BUNDLE",
      ]);
      const env = Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2)));
      const origin = env.ENTRA_AUTHORITY_HOST ?? "";
      expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(env.ENTRA_AUTHORITY).toBe(`${origin}/dcd219dd-bc68-4b9b-bf0b-4a33a796be35`);
      expect(env.GRAPH_BASE_URL).toBe(origin);
      expect(env.ENTRA_CLIENT_SECRET).toBe("'Emu8Q~local.emulator.secret-not-for-production'");
      expect(env.REQUESTS_CA_BUNDLE).toBe(env.NODE_EXTRA_CA_CERTS);
      expect(cli.output().stderr).toContain(`CA certificate    ${env.NODE_EXTRA_CA_CERTS}`);
      // The printed CA file is what verifies the server.
      const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? "", "utf8");
      const discovery = await simpleRequest(ca)(
        `${env.ENTRA_AUTHORITY}/v2.0/.well-known/openid-configuration`,
      );
      expect(JSON.parse(discovery.text).issuer).toBe(`${env.ENTRA_AUTHORITY}/v2.0`);
      // --env-file: the same lines, readable by the owner only (it holds the client secret).
      expect(readFileSync(envFile, "utf8")).toBe(stdout);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      cli.child.kill("SIGTERM");
      expect(await cli.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 for --ca-out without --https", async () => {
    const cli = runCli(["--port", "0", "--ca-out", "/tmp/ca.pem"]);
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toContain("entra-emulator: --ca-out needs --https");
  });

  it("exits 1 with a clear message for a bad port", async () => {
    const cli = runCli(["--port", "99999"]);
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toContain("entra-emulator: --port must be 0-65535, got 99999");
  });

  it("exits 1 naming the problem for a config file that does not exist", async () => {
    const cli = runCli(["--port", "0", "--config", "/nonexistent/tenant.json"]);
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toContain("cannot read /nonexistent/tenant.json");
  });
});
