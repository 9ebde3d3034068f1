import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../src/doctor/cli.ts", import.meta.url));
// Resolved from here: the CLI runs in a temp dir, where a bare "tsx" would not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs the doctor CLI (TypeScript source through tsx) in a temp dir holding `.env`. */
async function doctor(
  dotenv: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "entra-bff-doctor-"));
  dirs.push(dir);
  await writeFile(join(dir, ".env"), dotenv);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: "1" };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", TSX, CLI, ...args],
      { cwd: dir, env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const BAD_ENV = "ENTRA_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47\nENTRA_CLIENT_ID=not-a-guid\n";

describe("pnpm doctor (cli)", { timeout: 30_000 }, () => {
  it("reads .env, prints the failed check with its fix and exits 1", async () => {
    const { code, stdout } = await doctor(BAD_ENV, []);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ Configuration: ENTRA_CLIENT_ID: invalid value "not-a-guid"');
    expect(stdout).toContain("Fix: Copy the Application (client) ID");
  });

  it("prints JSON with --json", async () => {
    const { code, stdout } = await doctor(BAD_ENV, ["--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ id: "configuration", status: "fail" });
  });

  it("exits 0 when nothing fails (emulator mode only warns)", async () => {
    const { code, stdout } = await doctor("", ["--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).ok).toBe(true);
  });

  it("rejects an unknown argument with exit code 2", async () => {
    const { code, stderr } = await doctor("", ["--jsn"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown argument: --jsn");
  });
});
