// The only file of apps/bff that reads process.env: everything else receives the typed Config.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { loadApisFile } from "./apis/api-config.js";
import { EntraDepthEnv, parseAllowedTenants, parseGroupsFilter } from "./config-entra.js";
import { OperationsEnv, operationsSettings, parseSessionSecrets } from "./config-operations.js";
import { parsePort, parsePublicUrl, parseServiceUrl, parseTrustProxy, parseUrl } from "./config-parsers.js";
import { ConfigError, ConfigProblems } from "./config-problems.js";
import type { Config, EmulatorModeSettings, EntraSettings } from "./config-types.js";
import { loadCredential } from "./credentials.js";
import { GUID_SOURCE } from "./guid.js";
import { DEFAULT_MEMORY_STORE_MAX_KEYS } from "./session/memory-store.js";
import { loadRedisSettings, RedisEnvSchema } from "./session/redis-config.js";

export { ConfigError } from "./config-problems.js";
export type { AppConfig, Config, EmulatorModeSettings, EntraSettings } from "./config-types.js";
export type { ClientCredential } from "./credentials.js";

const Guid = `^${GUID_SOURCE}$`;
const Integer = "^[0-9]+$";
const HttpUrl = "^https?://[^\\s]+$";
// A tenant is named by its GUID, a verified domain (has a dot), or one of Entra's shared endpoints.
const TenantId = `^(${GUID_SOURCE}|([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}|organizations|common|consumers)$`;

/** What the environment may hold. Each `description` says how to fix a bad value. */
export const EnvSchema = Type.Object({
  ENTRA_TENANT_ID: Type.Optional(
    Type.String({
      pattern: TenantId,
      description:
        "the Directory (tenant) ID GUID, a verified domain such as contoso.onmicrosoft.com, or organizations/common/consumers",
    }),
  ),
  ENTRA_CLIENT_ID: Type.Optional(
    Type.String({ pattern: Guid, description: "the Application (client) ID GUID of the app registration" }),
  ),
  ENTRA_CLIENT_SECRET: Type.Optional(
    Type.String({ minLength: 1, description: "the client secret *Value* from Certificates & secrets" }),
  ),
  ENTRA_CLIENT_CERT_PATH: Type.Optional(
    Type.String({ minLength: 1, description: "the path of the PEM certificate uploaded to the app" }),
  ),
  ENTRA_CLIENT_KEY_PATH: Type.Optional(
    Type.String({ minLength: 1, description: "the path of the PEM private key of that certificate" }),
  ),
  ENTRA_CLIENT_KEY_PASSPHRASE: Type.Optional(Type.String({ description: "the private key's passphrase" })),
  ENTRA_AUTHORITY_HOST: Type.Optional(
    Type.String({ pattern: HttpUrl, description: "an https URL such as https://login.microsoftonline.com" }),
  ),
  GRAPH_BASE_URL: Type.Optional(
    Type.String({ pattern: HttpUrl, description: "an https URL such as https://graph.microsoft.com" }),
  ),
  ENTRA_EMULATOR_URL: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "the URL of a running emulator, e.g. http://127.0.0.1:5001",
    }),
  ),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "the URL users open, without a trailing path, e.g. https://app.contoso.com",
    }),
  ),
  PORT: Type.Optional(Type.String({ pattern: Integer, description: "a port number from 0 to 65535" })),
  HOST: Type.Optional(
    Type.String({ minLength: 1, description: "an interface to bind, e.g. localhost or 0.0.0.0" }),
  ),
  SESSION_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        "at least 32 random characters (openssl rand -base64 48); to rotate, a comma-separated list, newest first",
    }),
  ),
  SESSION_IDLE_MINUTES: Type.Optional(
    Type.String({ pattern: "^[1-9][0-9]*$", description: "whole minutes ≥ 1" }),
  ),
  SESSION_ABSOLUTE_HOURS: Type.Optional(
    Type.String({ pattern: "^[0-9]+(\\.[0-9]+)?$", description: "hours > 0, e.g. 8 or 0.5" }),
  ),
  ...RedisEnvSchema,
  TRUST_PROXY: Type.Optional(
    Type.String({
      pattern: "^(true|false|[0-9]+|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$",
      description: "a hop count (1) or comma-separated proxy IPs/CIDRs",
    }),
  ),
  LOG_LEVEL: Type.Optional(
    Type.Union(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((level) => Type.Literal(level)),
      { description: "one of fatal, error, warn, info, debug, trace, silent" },
    ),
  ),
  EMULATOR_PORT: Type.Optional(
    Type.String({ pattern: Integer, description: "a port number (0 = any free port)" }),
  ),
  AUTH_RATE_LIMIT_PER_MINUTE: Type.Optional(
    Type.String({ pattern: "^[1-9][0-9]*$", description: "requests per minute per client IP, ≥ 1" }),
  ),
  PRELOGIN_MAX: Type.Optional(
    Type.String({ pattern: "^[1-9][0-9]*$", description: "a whole number of sign-ins in progress, ≥ 1" }),
  ),
  MEMORY_STORE_MAX_KEYS: Type.Optional(
    Type.String({ pattern: "^[1-9][0-9]*$", description: "a whole number of keys, ≥ 1" }),
  ),
  GRAPH_TIMEOUT_MS: Type.Optional(Type.String({ pattern: "^[1-9][0-9]*$", description: "milliseconds ≥ 1" })),
  IDP_TIMEOUT_MS: Type.Optional(Type.String({ pattern: "^[1-9][0-9]*$", description: "milliseconds ≥ 1" })),
  METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        "at least 32 random characters (openssl rand -base64 32); Prometheus sends it as a bearer token",
    }),
  ),
  ...OperationsEnv,
  ...EntraDepthEnv,
  BFF_APIS: Type.Optional(
    Type.String({ minLength: 1, description: "the path of a JSON file of API entries (see README)" }),
  ),
  WEB_DIST_DIR: Type.Optional(Type.String({ minLength: 1, description: "the path of the built SPA" })),
});
export type Env = Static<typeof EnvSchema>;

/** Loads `.env` from the working directory (if present) and returns the process environment. */
export function readEnvironment(): Record<string, string | undefined> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}

/**
 * Validates the environment and turns it into a typed Config. Pure apart from reading the
 * certificate files it names. On a bad configuration throws a ConfigError (the first problem)
 * whose `problems` lists every bad variable, each independent step having been tried.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>): Config {
  const problems = new ConfigProblems();
  const env = validateEnv(rawEnv, problems);
  const warnings: string[] = [];

  const port = problems.attempt(() => parsePort("PORT", env.PORT ?? "5000")) ?? 0;
  // Unset, it is where this process listens on this machine (PORT=0, any free port: 5000).
  const localUrl = `http://localhost:${port || 5000}`;
  const publicUrl = problems.attempt(() => parsePublicUrl(env.PUBLIC_URL ?? localUrl)) ?? new URL(localUrl);
  const publicBase = `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, "")}`;
  const idp = loadIdp(env, problems);

  let sessionSecrets = env.SESSION_SECRET
    ? (problems.attempt(() => parseSessionSecrets(env.SESSION_SECRET as string)) ?? [])
    : undefined;
  if (!sessionSecrets) {
    if (idp.mode !== "emulator") {
      problems.add(
        new ConfigError(
          "SESSION_SECRET",
          "is required with a real tenant: set at least 32 random characters (openssl rand -base64 48)",
        ),
      );
    }
    sessionSecrets = [randomBytes(48).toString("base64url")];
    warnings.push("SESSION_SECRET is not set: generated a random one (sessions end when the BFF restarts)");
  }

  if (publicUrl.protocol === "https:" && env.TRUST_PROXY === undefined) {
    warnings.push(
      "PUBLIC_URL is https but TRUST_PROXY is not set: behind a TLS-terminating proxy, set TRUST_PROXY " +
        "(hop count or proxy CIDRs) or Secure session cookies are not issued over the plain-http hop",
    );
  }
  const idleMinutes = Number(env.SESSION_IDLE_MINUTES ?? 30);
  const absoluteHours = Number(env.SESSION_ABSOLUTE_HOURS ?? 8);
  if (!(absoluteHours > 0)) {
    problems.add(new ConfigError("SESSION_ABSOLUTE_HOURS", "must be more than 0"));
  }
  const trustProxy = problems.attempt(() => parseTrustProxy(env.TRUST_PROXY)) ?? false;
  const redis = problems.attempt(() => loadRedisSettings(env));
  const apis = env.BFF_APIS ? (problems.attempt(() => loadApisFile(env.BFF_APIS as string)) ?? []) : [];
  problems.throwIfAny();

  return {
    port,
    host: env.HOST ?? "localhost",
    publicUrl: publicBase,
    redirectUri: `${publicBase}/getAToken`,
    postLogoutRedirectUri: `${publicBase}/`,
    secureCookies: publicUrl.protocol === "https:",
    webDistDir: env.WEB_DIST_DIR ?? new URL("../../web/dist", import.meta.url).pathname,
    logLevel: env.LOG_LEVEL ?? "info",
    ...(env.LOG_FORMAT ? { logFormat: env.LOG_FORMAT } : {}),
    sessionSecrets,
    sessionIdleMs: idleMinutes * 60_000,
    sessionAbsoluteMs: Math.round(absoluteHours * 3_600_000),
    redis,
    trustProxy,
    authRateLimitPerMinute: Number(env.AUTH_RATE_LIMIT_PER_MINUTE ?? 30),
    preLoginMax: Number(env.PRELOGIN_MAX ?? 10_000),
    memoryStoreMaxKeys: Number(env.MEMORY_STORE_MAX_KEYS ?? DEFAULT_MEMORY_STORE_MAX_KEYS),
    graphTimeoutMs: Number(env.GRAPH_TIMEOUT_MS ?? 5000),
    idpTimeoutMs: Number(env.IDP_TIMEOUT_MS ?? 10_000),
    ...operationsSettings(env),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    idp,
    apis,
    warnings,
  };
}

/** The well-formed variables; each malformed one is recorded in `problems` and left out (as unset). */
function validateEnv(rawEnv: Record<string, string | undefined>, problems: ConfigProblems): Env {
  // Empty values count as unset, as in most .env tooling.
  const env: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = rawEnv[key];
    if (value !== undefined && value.trim() !== "") env[key] = value.trim();
  }
  for (const error of Value.Errors(EnvSchema, env)) {
    const variable = error.instancePath.replace(/^\//, "");
    const schema = EnvSchema.properties[variable as keyof Env] as { description?: string } | undefined;
    const hint = schema?.description ?? error.message;
    problems.add(
      new ConfigError(variable, `invalid value "${redactIfSecret(variable, env[variable])}": use ${hint}`),
    );
  }
  for (const problem of problems.list) delete env[problem.variable];
  return env as Env;
}

function redactIfSecret(variable: string, value: string | undefined): string {
  if (/SECRET|PASSPHRASE|PASSWORD|REDIS_URL|REDIS_CLUSTER_NODES|TOKEN/.test(variable)) return "<hidden>";
  return (value ?? "").slice(0, 80);
}

const ENTRA_VARIABLES = [
  "ENTRA_TENANT_ID",
  "ENTRA_CLIENT_ID",
  "ENTRA_CLIENT_SECRET",
  "ENTRA_CLIENT_CERT_PATH",
  "ENTRA_CLIENT_KEY_PATH",
  "ENTRA_CLIENT_ASSERTION_FILE",
  "ENTRA_CLIENT_CREDENTIAL",
] as const;

/** The identity provider; each independent problem goes to `problems` (the result is then unused). */
function loadIdp(env: Env, problems: ConfigProblems): EntraSettings | EmulatorModeSettings {
  const anySet = ENTRA_VARIABLES.some((name) => env[name] !== undefined || problems.has(name));
  const emulatorUrl = env.ENTRA_EMULATOR_URL
    ? problems.attempt(() => parseUrl("ENTRA_EMULATOR_URL", env.ENTRA_EMULATOR_URL as string))
    : undefined;
  if (!anySet) {
    return {
      mode: "emulator",
      port: problems.attempt(() => parsePort("EMULATOR_PORT", env.EMULATOR_PORT ?? "5001")) ?? 0,
      ...(emulatorUrl ? { externalUrl: emulatorUrl.origin } : {}),
    };
  }
  for (const name of ["ENTRA_TENANT_ID", "ENTRA_CLIENT_ID"] as const) {
    if (!env[name]) {
      problems.add(
        new ConfigError(
          name,
          "is missing: set ENTRA_TENANT_ID, ENTRA_CLIENT_ID and a credential, or none of ENTRA_* for the emulator",
        ),
      );
    }
  }
  // With an external emulator, http loopback URLs are fine; with a real tenant, https only.
  const allowHttp = env.ENTRA_EMULATOR_URL !== undefined;
  const serviceUrl = (variable: string, value: string) =>
    problems.attempt(() => parseServiceUrl(variable, value, allowHttp)) ?? "";
  const allowedTenants = problems.attempt(() => parseAllowedTenants(env.ENTRA_TENANT_ID ?? "", env));
  const groupsFilter = parseGroupsFilter(env);
  return {
    mode: "entra",
    ...(allowedTenants ? { allowedTenants } : {}),
    ...(groupsFilter ? { groupsFilter } : {}),
    tenantId: env.ENTRA_TENANT_ID ?? "",
    clientId: env.ENTRA_CLIENT_ID ?? "",
    credential: problems.attempt(() => loadCredential(env)) ?? { kind: "secret", secret: "" },
    authorityHost: serviceUrl(
      "ENTRA_AUTHORITY_HOST",
      env.ENTRA_AUTHORITY_HOST ?? emulatorUrl?.origin ?? "https://login.microsoftonline.com",
    ),
    graphBaseUrl: serviceUrl(
      "GRAPH_BASE_URL",
      env.GRAPH_BASE_URL ?? emulatorUrl?.origin ?? "https://graph.microsoft.com",
    ),
    emulator: allowHttp,
  };
}
