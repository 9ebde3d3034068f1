// The previous release's BFF, checked out from git and installed from the local pnpm store, for
// the upgrade tests.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The release this build must be able to take over from: main just before stored records got a
 * format version (`_v`). Move it forward when a release changes a stored format (README,
 * "Rolling upgrades").
 */
export const PREVIOUS_RELEASE = "bd58ae447fcf75b4d4b98f5848bd4ae3f688244b";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const cacheDir = join(root, "node_modules", ".cache", "entra-bff-previous-release");

function run(command: string, args: string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: "pipe", timeout: 120_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stderr?.toString() ?? error}`);
  }
}

/**
 * The source tree of `PREVIOUS_RELEASE` with its own dependencies installed from the local pnpm
 * store (the registry only for packages the store lacks), cached under node_modules/.cache:
 * returns the path of its apps/bff/src/server.ts, which the tests run with tsx as `pnpm dev` does.
 */
export function previousReleaseServer(): string {
  const dir = join(cacheDir, PREVIOUS_RELEASE);
  const server = join(dir, "apps", "bff", "src", "server.ts");
  if (existsSync(join(dir, ".installed"))) return server;
  try {
    run("git", ["cat-file", "-e", `${PREVIOUS_RELEASE}^{commit}`], root);
  } catch {
    throw new Error(
      `commit ${PREVIOUS_RELEASE} (the previous release) is not in this clone: fetch the full history ` +
        "(git fetch --unshallow) to run the upgrade test",
    );
  }
  // Built in a temp dir and renamed at the end, so an interrupted run never leaves half a tree.
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run("sh", ["-c", `git -C "${root}" archive ${PREVIOUS_RELEASE} | tar -x -C "${staging}"`], root);
  const install = ["install", "--frozen-lockfile", "--ignore-scripts", "--reporter=silent"];
  try {
    run("pnpm", [...install, "--offline"], staging);
  } catch {
    // A store that lacks one of its packages (a fresh CI cache): fetch those from the registry.
    run("pnpm", [...install, "--prefer-offline"], staging);
  }
  writeFileSync(join(staging, ".installed"), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return server;
}
