import type { OidcMetadata } from "../auth/idp-metadata.js";
import type { Config, EntraSettings } from "../config.js";

/** pass: fine; fail: the app will not work (non-zero exit); warn: works, but look at it; skip: not applicable. */
export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** One line of the doctor's checklist. */
export interface CheckResult {
  /** Stable identifier for scripts reading `--json`, e.g. "oidc-metadata". */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in plain words. */
  detail: string;
  /** What to do about a failure or warning. */
  fix?: string;
}

/** Everything a check may look at. Checks never read process globals. */
export interface DoctorContext {
  /** The raw environment (for file paths and values the typed Config has transformed). */
  env: Readonly<Record<string, string | undefined>>;
  config: Config;
  /** Defined in real-tenant mode (ENTRA_* set). */
  idp: EntraSettings;
  now: Date;
  /** Per network request. */
  timeoutMs: number;
  /** Set by the metadata check for the checks after it. */
  metadata?: OidcMetadata;
}

/** A check of the real-tenant configuration. */
export type Check = (context: DoctorContext) => Promise<CheckResult>;

/** Builds a result; `fix` is kept only when given. */
export function result(
  id: string,
  title: string,
  status: CheckStatus,
  detail: string,
  fix?: string,
): CheckResult {
  return { id, title, status, detail, ...(fix ? { fix } : {}) };
}
