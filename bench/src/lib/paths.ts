import { fileURLToPath } from "node:url";

/** Absolute paths the harness needs, resolved from this file so any cwd works. */
export const paths = {
  repoRoot: fileURLToPath(new URL("../../../", import.meta.url)),
  benchRoot: fileURLToPath(new URL("../../", import.meta.url)),
  bffServer: fileURLToPath(new URL("../../../apps/bff/dist/server.js", import.meta.url)),
  webDist: fileURLToPath(new URL("../../../apps/web/dist/", import.meta.url)),
  results: fileURLToPath(new URL("../../results/", import.meta.url)),
  targets: fileURLToPath(new URL("../targets/", import.meta.url)),
};

/** Command line to run one of our TypeScript target scripts in a fresh Node process. */
export function targetCommand(
  script: string,
  extraNodeArgs: string[] = [],
): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [...extraNodeArgs, "--import", "tsx", "--conditions=source", `${paths.targets}${script}`],
  };
}
