import { type Config, ConfigError, loadConfig } from "../../config.js";
import { fixFor } from "../../config-problems.js";
import { type CheckResult, result } from "../check.js";

const TITLE = "Configuration";

/**
 * Loads the configuration the way the server does. On failure there is one failed result per
 * bad variable, each with its fix, and no config: the doctor stops there, before any network call.
 */
export function checkConfiguration(env: Readonly<Record<string, string | undefined>>): {
  results: CheckResult[];
  config?: Config;
} {
  try {
    const config = loadConfig({ ...env });
    const mode =
      config.idp.mode === "emulator"
        ? "no ENTRA_* settings, so the app uses its built-in emulator"
        : `a real tenant (${config.idp.tenantId})`;
    return {
      results: [result("configuration", TITLE, "pass", `All settings are well-formed: ${mode}.`)],
      config,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      results: error.problems.map((problem) =>
        result("configuration", TITLE, "fail", problem.message, fixFor(problem.variable)),
      ),
    };
  }
}
