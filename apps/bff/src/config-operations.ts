// Settings for running the BFF (logs, shutdown, tracing) and SESSION_SECRET rotation: read by config.ts.
import { Type } from "typebox";
import { ConfigError } from "./config-problems.js";

const HttpUrl = "^https?://[^\\s]+$";
const Integer = "^[0-9]+$";

/** The environment variables of this module, merged into config.ts's EnvSchema. */
export const OperationsEnv = {
  LOG_FORMAT: Type.Optional(
    Type.Union([Type.Literal("pretty"), Type.Literal("json")], {
      description: "pretty (readable one-line logs) or json; default: pretty on a terminal, json otherwise",
    }),
  ),
  SHUTDOWN_DRAIN_MS: Type.Optional(
    Type.String({
      pattern: Integer,
      description: "milliseconds ≥ 0 that /readyz fails before the port closes",
    }),
  ),
  SHUTDOWN_TIMEOUT_MS: Type.Optional(
    Type.String({
      pattern: "^[1-9][0-9]*$",
      description: "milliseconds ≥ 1 in-flight requests get to finish",
    }),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "the OTLP/HTTP base URL of a collector, e.g. http://otel-collector:4318",
    }),
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(
    Type.String({
      pattern: HttpUrl,
      description: "the full OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces",
    }),
  ),
  OTEL_SDK_DISABLED: Type.Optional(
    Type.Union([Type.Literal("true"), Type.Literal("false")], { description: "true or false" }),
  ),
};

type OperationsEnvValues = {
  LOG_FORMAT?: "pretty" | "json";
  SHUTDOWN_DRAIN_MS?: string;
  SHUTDOWN_TIMEOUT_MS?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_SDK_DISABLED?: "true" | "false";
};

export interface OperationsSettings {
  /** LOG_FORMAT; unset: pretty when stdout is a terminal, JSON otherwise (server.ts decides). */
  logFormat?: "pretty" | "json";
  /** On SIGTERM: how long /readyz fails (load balancers drain) before the port closes. */
  shutdownDrainMs: number;
  /** Then: how long in-flight requests get to finish before their connections are cut. */
  shutdownTimeoutMs: number;
  /** An OTLP endpoint is set (and OTEL_SDK_DISABLED is not true): export traces. */
  tracing: boolean;
}

/** The typed settings from already validated values. */
export function operationsSettings(env: OperationsEnvValues): OperationsSettings {
  return {
    shutdownDrainMs: Number(env.SHUTDOWN_DRAIN_MS ?? 3000),
    shutdownTimeoutMs: Number(env.SHUTDOWN_TIMEOUT_MS ?? 5000),
    tracing:
      (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined &&
      env.OTEL_SDK_DISABLED !== "true",
  };
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

/** SESSION_SECRET: one secret, or a comma-separated list (newest first) while rotating. */
export function parseSessionSecrets(value: string): string[] {
  const secrets = value.split(",").map((secret) => secret.trim());
  secrets.forEach((secret, index) => {
    if (secret.length < 32) {
      const which = secrets.length === 1 ? "the secret" : `the ${ORDINALS[index] ?? `#${index + 1}`} secret`;
      throw new ConfigError(
        "SESSION_SECRET",
        `${which} has ${secret.length} characters: each needs at least 32 random characters (openssl rand -base64 48)`,
      );
    }
  });
  if (new Set(secrets).size !== secrets.length) {
    throw new ConfigError(
      "SESSION_SECRET",
      "lists the same secret twice: keep each secret once, newest first",
    );
  }
  return secrets;
}
