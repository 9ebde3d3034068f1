import { spawnSync } from "node:child_process";
import { paths } from "./paths.js";

/** Builds every package exactly as `pnpm start` does, so the BFF under test is the shipped one. */
export function buildWorkspace(): void {
  const result = spawnSync("pnpm", ["build"], { cwd: paths.repoRoot, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `pnpm build failed (exit ${result.status}):\n${(result.stdout + result.stderr).slice(-4000)}`,
    );
  }
}
