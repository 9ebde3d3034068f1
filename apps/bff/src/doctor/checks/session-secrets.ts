import type { Config } from "../../config.js";
import { type CheckResult, result } from "../check.js";

const TITLE = "Session secrets";

/** How many SESSION_SECRET values are active, and what each one does (rotation). */
export function checkSessionSecrets(
  env: Readonly<Record<string, string | undefined>>,
  config: Config,
): CheckResult {
  if (!env.SESSION_SECRET?.trim()) {
    return result(
      "session-secrets",
      TITLE,
      "warn",
      "SESSION_SECRET is not set: a random secret is generated at each start, so sessions end on restart and are not shared between instances.",
      "Set SESSION_SECRET (openssl rand -base64 48), the same on every instance.",
    );
  }
  const count = config.sessionSecrets.length;
  if (count === 1) {
    return result(
      "session-secrets",
      TITLE,
      "pass",
      "1 session secret active: it signs every session cookie.",
    );
  }
  const older = count - 1;
  return result(
    "session-secrets",
    TITLE,
    "pass",
    `${count} session secrets active: new cookies are signed with the first; cookies signed with the ` +
      `other ${older === 1 ? "one" : older} still work until they expire (remove ${older === 1 ? "it" : "them"} after SESSION_ABSOLUTE_HOURS).`,
  );
}
