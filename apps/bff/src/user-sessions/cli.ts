// `pnpm run sessions -- revoke --tid <tid> --oid <oid>` / `revoke --all`: ends sessions in the configured store.
import { readEnvironment } from "../config.js";
import { runSessionsCommand } from "./revoke-command.js";

const result = await runSessionsCommand(process.argv.slice(2), readEnvironment());
(result.exitCode === 0 ? console.log : console.error)(result.output);
process.exitCode = result.exitCode;
