import type { FastifyBaseLogger } from "fastify";

/** Everything `buildTasksApi` needs; `loadTasksApiConfig` builds it from TASKS_API_* variables. */
export interface TasksApiOptions {
  /** The API's own Application (client) ID GUID: the `aud` its v2.0 access tokens must carry. */
  clientId: string;
  /** The tenants whose users may call it (their `tid`); at least one. */
  tenantIds: string[];
  /**
   * Origin of the authority, default https://login.microsoftonline.com (the emulator: its URL).
   * A promise lets the API start before the emulator listens; it is awaited at the first request.
   */
  authorityHost?: string | Promise<string>;
  /** Exact `iss`, `{tenantid}` standing for the token's `tid`; default `{authorityHost}/{tenantid}/v2.0`. */
  issuer?: string;
  /** Signing keys; default the `jwks_uri` of the first tenant's OIDC discovery document. */
  jwksUri?: string;
  /** The scope every route needs in `scp`; default `Tasks.ReadWrite`. */
  requiredScope?: string;
  /**
   * An authentication context (`c1`…`c99`) the token must carry in `acrs`; without it the API
   * answers a claims challenge (401 `insufficient_claims`). Default: none required.
   */
  requireAcrs?: string;
  /** Allowed clock skew for `exp`/`nbf`, seconds; default 60. */
  clockToleranceSeconds?: number;
  /** Most tasks one user may keep; default 500. */
  maxTasksPerUser?: number;
  /** Most event streams one user may hold open; default 5. */
  maxStreamsPerUser?: number;
  /** A logger to use (e.g. the BFF's child logger), a level, or false (default) for none. */
  logger?: FastifyBaseLogger | string | false;
  /** Where a logger built from a level writes (default stdout); tests read the lines. */
  logStream?: { write(line: string): void };
}

export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
export const DEFAULT_SCOPE = "Tasks.ReadWrite";

/**
 * The sample's app id in the emulated tenant (deploy/emulator-tenant.json, docker-compose.yml):
 * its App ID URI is `api://${DEMO_TASKS_API_CLIENT_ID}`, its scope `…/Tasks.ReadWrite`.
 */
export const DEMO_TASKS_API_CLIENT_ID = "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";
