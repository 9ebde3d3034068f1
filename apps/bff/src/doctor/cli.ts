// `pnpm run doctor [--json]` (plain `pnpm doctor` is a built-in pnpm command): checks the configuration without starting the server.
import { readEnvironment } from "../config.js";
import { formatReport } from "./format.js";
import { runDoctor } from "./run.js";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(
    "Usage: pnpm run doctor [--json]\n\nChecks .env and the environment against Microsoft Entra ID without starting the server.\nExit code 1 when any check fails.",
  );
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== "--json");
if (unknown.length > 0) {
  console.error(`Unknown argument: ${unknown.join(" ")} (usage: pnpm run doctor [--json])`);
  process.exit(2);
}

const report = await runDoctor(readEnvironment());
if (args.includes("--json")) console.log(JSON.stringify(report, null, 2));
else console.log(formatReport(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
process.exitCode = report.ok ? 0 : 1;
