// Settings of issue 18: groups filter, multi-tenant allowlist, secretless credentials.
import { existsSync } from "node:fs";
import { Type } from "typebox";
import { ConfigError } from "./config-problems.js";

const GuidBody = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const GuidList = `^\\s*${GuidBody}\\s*(,\\s*${GuidBody}\\s*)*$`;

export const EntraDepthEnv = {
  ENTRA_GROUPS_FILTER: Type.Optional(
    Type.String({
      pattern: GuidList,
      description: "comma-separated group object id GUIDs (the groups the app cares about)",
    }),
  ),
  ENTRA_ALLOWED_TENANTS: Type.Optional(
    Type.String({
      pattern: `^(\\*|${GuidList.slice(1, -1)})$`,
      description: "comma-separated tenant id GUIDs that may sign in, or * for every tenant",
    }),
  ),
  ENTRA_CLIENT_ASSERTION_FILE: Type.Optional(
    Type.String({ minLength: 1, description: "the path of the federated token file (a JWT)" }),
  ),
  AZURE_FEDERATED_TOKEN_FILE: Type.Optional(
    Type.String({ minLength: 1, description: "the path AKS workload identity writes its token to" }),
  ),
  ENTRA_CLIENT_CREDENTIAL: Type.Optional(
    Type.Literal("managed-identity", {
      description: "managed-identity (or leave unset and give a secret, certificate or assertion file)",
    }),
  ),
  ENTRA_MANAGED_IDENTITY_CLIENT_ID: Type.Optional(
    Type.String({
      pattern: `^${GuidBody}$`,
      description: "the client id GUID of a user-assigned managed identity (unset: system-assigned)",
    }),
  ),
};

type DepthEnv = { [K in keyof typeof EntraDepthEnv]?: string };

/** A secretless credential: a platform-written token file, or a managed identity's token. */
export type FederatedCredential =
  | { kind: "assertion-file"; path: string }
  | { kind: "managed-identity"; clientId?: string };

/** The multi-tenant allowlist: tenant GUIDs (lower case), or every tenant. */
export type AllowedTenants = readonly string[] | "*";

const MULTI_TENANT = new Set(["organizations", "common"]);

export function isMultiTenant(tenantId: string): boolean {
  return MULTI_TENANT.has(tenantId.toLowerCase());
}

function guidList(value: string): string[] {
  return [...new Set(value.split(",").map((id) => id.trim().toLowerCase()))];
}

export function parseGroupsFilter(env: DepthEnv): ReadonlySet<string> | undefined {
  return env.ENTRA_GROUPS_FILTER ? new Set(guidList(env.ENTRA_GROUPS_FILTER)) : undefined;
}

/** ENTRA_ALLOWED_TENANTS goes with ENTRA_TENANT_ID=organizations|common, and only with it. */
export function parseAllowedTenants(tenantId: string, env: DepthEnv): AllowedTenants | undefined {
  const value = env.ENTRA_ALLOWED_TENANTS;
  if (!isMultiTenant(tenantId)) {
    if (value !== undefined) {
      throw new ConfigError(
        "ENTRA_ALLOWED_TENANTS",
        "only applies to a multi-tenant app: set ENTRA_TENANT_ID=organizations (or common), or remove it",
      );
    }
    return undefined;
  }
  if (value === undefined) {
    throw new ConfigError(
      "ENTRA_ALLOWED_TENANTS",
      `is required with ENTRA_TENANT_ID=${tenantId}: list the tenant id GUIDs that may sign in, or * to allow every Entra tenant`,
    );
  }
  return value === "*" ? "*" : guidList(value);
}

/** An explicitly chosen secretless credential (AKS's AZURE_FEDERATED_TOKEN_FILE alone is only a fallback). */
export function wantsFederatedCredential(env: DepthEnv): boolean {
  return Boolean(env.ENTRA_CLIENT_CREDENTIAL || env.ENTRA_CLIENT_ASSERTION_FILE);
}

/**
 * ENTRA_CLIENT_CREDENTIAL=managed-identity, else ENTRA_CLIENT_ASSERTION_FILE, else AKS's
 * AZURE_FEDERATED_TOKEN_FILE. The file must exist now; it is re-read at every token request.
 */
export function loadFederatedCredential(env: DepthEnv): FederatedCredential | undefined {
  if (env.ENTRA_CLIENT_CREDENTIAL === "managed-identity") {
    if (env.ENTRA_CLIENT_ASSERTION_FILE) {
      throw new ConfigError(
        "ENTRA_CLIENT_ASSERTION_FILE",
        "set either ENTRA_CLIENT_CREDENTIAL=managed-identity or an assertion file, not both",
      );
    }
    const clientId = env.ENTRA_MANAGED_IDENTITY_CLIENT_ID;
    return { kind: "managed-identity", ...(clientId ? { clientId } : {}) };
  }
  if (env.ENTRA_MANAGED_IDENTITY_CLIENT_ID) {
    throw new ConfigError(
      "ENTRA_MANAGED_IDENTITY_CLIENT_ID",
      "goes with ENTRA_CLIENT_CREDENTIAL=managed-identity",
    );
  }
  const variable = env.ENTRA_CLIENT_ASSERTION_FILE
    ? "ENTRA_CLIENT_ASSERTION_FILE"
    : "AZURE_FEDERATED_TOKEN_FILE";
  const path = env[variable];
  if (!path) return undefined;
  if (!existsSync(path)) {
    throw new ConfigError(
      variable,
      `${path} does not exist: mount the federated (service account) token there`,
    );
  }
  return { kind: "assertion-file", path };
}
