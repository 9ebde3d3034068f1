import { type Check, type CheckResult, type DoctorContext, result } from "./check.js";
import { checkClientCredential } from "./checks/client-credential.js";
import { checkCloud } from "./checks/cloud.js";
import { checkConfiguration } from "./checks/configuration.js";
import { checkCredential } from "./checks/credential.js";
import { checkGroups } from "./checks/groups.js";
import { checkIdentifiers } from "./checks/identifiers.js";
import { checkOidcMetadata } from "./checks/oidc-metadata.js";
import { checkRedirectUri } from "./checks/redirect-uri.js";
import { checkRedis } from "./checks/redis.js";
import { checkSessionSecrets } from "./checks/session-secrets.js";
import { checkTenancy } from "./checks/tenancy.js";

export interface DoctorOptions {
  /** The clock certificates are checked against; default now. */
  now?: Date;
  /** Per network request; default 5000 ms. */
  timeoutMs?: number;
}

export interface DoctorReport {
  /** False when any check failed. */
  ok: boolean;
  checks: CheckResult[];
}

/** Real-tenant checks, in the order a person fixes things: local settings, then the network. */
const TENANT_CHECKS: readonly Check[] = [
  checkIdentifiers,
  checkCredential,
  checkCloud,
  checkTenancy,
  checkGroups,
  checkRedirectUri,
  checkOidcMetadata,
  checkClientCredential,
];

/**
 * Checks a configuration without starting the server: the environment first (every problem,
 * stopping there if it does not load), then the tenant's metadata and credential at Entra ID, then Redis.
 */
export async function runDoctor(
  env: Readonly<Record<string, string | undefined>>,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const loaded = checkConfiguration(env);
  const checks: CheckResult[] = [...loaded.results];
  const config = loaded.config;
  if (!config) return { ok: false, checks };
  checks.push(checkSessionSecrets(env, config));

  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? 5000;
  if (config.idp.mode === "emulator") {
    checks.push(
      result(
        "tenant",
        "Microsoft Entra tenant",
        "warn",
        "No ENTRA_* settings: sign-in uses the built-in emulator, not your tenant.",
        "Set ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET (or a certificate) from your app registration; see docs/real-tenant.md.",
      ),
    );
    checks.push(await checkRedis({ config, timeoutMs }));
    return report(checks);
  }

  const context: DoctorContext = { env, config, idp: config.idp, now, timeoutMs };
  for (const check of [...TENANT_CHECKS, checkRedis]) checks.push(await check(context));
  return report(checks);
}

function report(checks: CheckResult[]): DoctorReport {
  return { ok: checks.every((check) => check.status !== "fail"), checks };
}
