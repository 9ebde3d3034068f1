// The only file of apps/tasks-api that reads process.env: the rest receives typed options.
import { existsSync } from "node:fs";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import type { TasksApiOptions } from "./options.js";

const Guid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const HttpUrl = "^https?://[^\\s]+$";

/** What the environment may hold. Each `description` says how to fix a bad value. */
export const TasksApiEnvSchema = Type.Object({
  TASKS_API_PORT: Type.Optional(
    Type.String({ pattern: "^[0-9]{1,5}$", description: "a port number from 0 to 65535 (default 5002)" }),
  ),
  TASKS_API_HOST: Type.Optional(
    Type.String({ minLength: 1, description: "an interface to bind, e.g. 127.0.0.1 (default) or 0.0.0.0" }),
  ),
  TASKS_API_CLIENT_ID: Type.String({
    pattern: `^${Guid}$`,
    description:
      "the Application (client) ID GUID of the API's own app registration (the aud of its v2.0 tokens)",
  }),
  TASKS_API_TENANT_ID: Type.String({
    pattern: `^${Guid}(\\s*,\\s*${Guid})*$`,
    description: "the Directory (tenant) ID GUID, or a comma-separated list of the tenants allowed",
  }),
  TASKS_API_AUTHORITY_HOST: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "an https URL such as https://login.microsoftonline.com (or the emulator's URL)",
    }),
  ),
  TASKS_API_ISSUER: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description:
        "the exact issuer, {tenantid} standing for the token's tid (default {authority}/{tenantid}/v2.0)",
    }),
  ),
  TASKS_API_JWKS_URI: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "the URL of the signing keys (default: from OIDC discovery)",
    }),
  ),
  TASKS_API_REQUIRE_ACRS: Type.Optional(
    Type.String({
      pattern: "^c([1-9]|[1-9][0-9])$",
      description: "an authentication context id such as c1 (c1 to c99), or unset",
    }),
  ),
  TASKS_API_LOG_LEVEL: Type.Optional(
    Type.Union([Type.Literal("fatal"), Type.Literal("error"), Type.Literal("warn"), Type.Literal("info")], {
      description: "one of fatal, error, warn, info (default info)",
    }),
  ),
});
export type TasksApiEnv = Static<typeof TasksApiEnvSchema>;

/** A bad or missing setting; the message names the variable and how to fix it. */
export class TasksApiConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "TasksApiConfigError";
  }
}

export interface TasksApiServerConfig {
  port: number;
  host: string;
  logLevel: string;
  options: TasksApiOptions;
}

/** Plain http only to loopback (the emulator): keys fetched over the network must not be forgeable. */
function requireHttpsUnlessLoopback(variable: string, value: string | undefined): void {
  if (value === undefined) return;
  const url = new URL(value);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !loopback) {
    throw new TasksApiConfigError(variable, `"${value}" must use https (plain http only for localhost)`);
  }
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The only read of `process.env` in this package (a lint rule keeps it so); a `.env` file too, like the BFF. */
export function readEnvironment(): Record<string, string | undefined> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return { ...process.env };
}

/** Reads the TASKS_API_* variables; throws {@link TasksApiConfigError} naming the first bad one. */
export function loadTasksApiConfig(raw: Record<string, string | undefined>): TasksApiServerConfig {
  const env = Object.fromEntries(
    Object.keys(TasksApiEnvSchema.properties)
      .filter((key) => raw[key] !== undefined && raw[key] !== "")
      .map((key) => [key, raw[key]?.trim()]),
  );
  // Variable by variable, in the schema's order, so the message names exactly one.
  for (const [variable, schema] of Object.entries(TasksApiEnvSchema.properties)) {
    const value = env[variable];
    const hint = (schema as { description?: string }).description;
    if (value === undefined) {
      if ((TasksApiEnvSchema.required as readonly string[]).includes(variable)) {
        throw new TasksApiConfigError(variable, `is not set: set it to ${hint}`);
      }
    } else if (!Value.Check(schema, value)) {
      throw new TasksApiConfigError(variable, `has an invalid value "${value}": use ${hint}`);
    }
  }
  const valid = env as TasksApiEnv;
  const port = Number(valid.TASKS_API_PORT ?? 5002);
  if (port > 65_535) throw new TasksApiConfigError("TASKS_API_PORT", `${port} is not a port (0 to 65535)`);
  requireHttpsUnlessLoopback("TASKS_API_AUTHORITY_HOST", valid.TASKS_API_AUTHORITY_HOST);
  requireHttpsUnlessLoopback("TASKS_API_ISSUER", valid.TASKS_API_ISSUER);
  requireHttpsUnlessLoopback("TASKS_API_JWKS_URI", valid.TASKS_API_JWKS_URI);
  const options: TasksApiOptions = {
    clientId: valid.TASKS_API_CLIENT_ID.toLowerCase(),
    tenantIds: valid.TASKS_API_TENANT_ID.split(",").map((id) => id.trim().toLowerCase()),
    ...(valid.TASKS_API_AUTHORITY_HOST
      ? { authorityHost: withoutTrailingSlash(valid.TASKS_API_AUTHORITY_HOST) }
      : {}),
    ...(valid.TASKS_API_ISSUER ? { issuer: valid.TASKS_API_ISSUER } : {}),
    ...(valid.TASKS_API_JWKS_URI ? { jwksUri: valid.TASKS_API_JWKS_URI } : {}),
    ...(valid.TASKS_API_REQUIRE_ACRS ? { requireAcrs: valid.TASKS_API_REQUIRE_ACRS } : {}),
  };
  return {
    port,
    host: valid.TASKS_API_HOST ?? "127.0.0.1",
    logLevel: valid.TASKS_API_LOG_LEVEL ?? "info",
    options,
  };
}
