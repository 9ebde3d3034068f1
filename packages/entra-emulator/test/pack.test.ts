import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simpleRequest } from "../src/http-client.js";

// The emulator as a product: the tarball `pnpm pack` makes, installed with npm into an empty
// folder (dependencies from the registry, nothing from this monorepo), run through its bin.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
let work: string;
let tarball: string;
let app: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  // `pnpm test` builds first; packing does not rebuild (prepack does for a manual `pnpm pack`)
  // so that no test reads a half-written dist.
  if (!existsSync(join(packageDir, "dist/cli.js")))
    throw new Error("packages/entra-emulator/dist is missing: run `pnpm build` first");
  work = mkdtempSync(join(tmpdir(), "emu-pack-"));
  execFileSync("pnpm", ["--config.ignore-scripts=true", "pack", "--pack-destination", work], {
    cwd: packageDir,
    stdio: "ignore",
  });
  const name = readdirSync(work).find((file) => file.endsWith(".tgz"));
  if (!name) throw new Error("pnpm pack wrote no tarball");
  tarball = join(work, name);
  app = join(work, "app");
  execFileSync("mkdir", [app]);
  writeFileSync(join(app, "package.json"), '{ "name": "new-user", "private": true, "type": "module" }\n');
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", tarball],
    {
      cwd: app,
      stdio: "ignore",
    },
  );
}, 180_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed @entra-bff/entra-emulator", { timeout: 60_000 }, () => {
  it("ships compiled JS, the bin and the config schema — no sources, no workspace-only versions", () => {
    const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "package/bin/entra-emulator.js",
        "package/dist/cli.js",
        "package/dist/index.js",
        "package/dist/index.d.ts",
        "package/config.schema.json",
        "package/README.md",
      ]),
    );
    expect(files.filter((file) => /^package\/(src|test)\//.test(file))).toEqual([]);
    const manifest = readFileSync(join(app, "node_modules/@entra-bff/entra-emulator/package.json"), "utf8");
    expect(manifest).not.toMatch(/"(workspace|catalog):/);
    expect(JSON.parse(manifest).private).toBeUndefined();
  });

  it("runs its bin with --https --print-env --env-file, printing lines that reach a TLS emulator", async () => {
    const envFile = join(work, "emulator.env");
    const child = spawn(
      join(app, "node_modules/.bin/entra-emulator"),
      ["--port", "0", "--https", "--print-env", "--env-file", envFile],
      { cwd: app, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("REQUESTS_CA_BUNDLE=")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`bin exited ${code}: ${stderr}`)));
    });
    const env = Object.fromEntries(
      stdout
        .trim()
        .split("\n")
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(Object.keys(env)).toHaveLength(8);
    expect(readFileSync(envFile, "utf8")).toBe(stdout);
    const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? "", "utf8");
    const discovery = await simpleRequest(ca)(`${env.ENTRA_AUTHORITY}/v2.0/.well-known/openid-configuration`);
    expect(JSON.parse(discovery.text).issuer).toBe(`${env.ENTRA_AUTHORITY}/v2.0`);
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  });

  it("works as a library from the installed package", () => {
    const script = `
      import { startEmulator } from "@entra-bff/entra-emulator";
      const emulator = await startEmulator({ https: true });
      const response = await emulator.signIn(
        emulator.authority + "/oauth2/v2.0/authorize?client_id=" + emulator.client.clientId +
          "&response_type=code&scope=openid&redirect_uri=" + encodeURIComponent(emulator.client.redirectUris[0]),
        "AdeleV@M365x214355.onmicrosoft.com",
      );
      console.log(emulator.issuer.slice(0, 8), response.searchParams.has("code"));
      await emulator.close();`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: app,
      encoding: "utf8",
    });
    expect(out.trim()).toBe("https:// true");
  });
});
