import { readFileSync } from "node:fs";
import { parseClient } from "./config-client.js";
import {
  parseGroup,
  parseManagedIdentity,
  parseOtherTenant,
  parseTenant,
  parseUser,
} from "./config-directory.js";
import { EmulatorConfigError, fail, isRecord } from "./config-fields.js";
import type { EmulatorConfig, TokenLifetimes } from "./config-types.js";
import { DEFAULT_CONFIG } from "./default-tenant.js";
import { checkApiPermissions, parseApis } from "./resource-apps.js";

export { EmulatorConfigError } from "./config-fields.js";
export type * from "./config-types.js";

function parseLifetimes(raw: unknown): TokenLifetimes {
  if (!isRecord(raw)) fail("lifetimes", "must be an object");
  const out = { ...DEFAULT_CONFIG.lifetimes };
  for (const key of Object.keys(out) as (keyof TokenLifetimes)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      fail(`lifetimes.${key}`, "must be a positive integer (seconds)");
    }
    out[key] = value;
  }
  return out;
}

function list<T>(raw: unknown, key: string, parse: (item: unknown, i: number) => T, nonEmpty: boolean): T[] {
  if (!Array.isArray(raw) || (nonEmpty && raw.length === 0))
    fail(key, `must be a${nonEmpty ? " non-empty" : "n"} array`);
  return raw.map(parse);
}

function checkDirectory(config: EmulatorConfig): void {
  const seen = new Set<string>();
  // Ids, UPNs and domains are unique across the whole directory, as lookups take any of them.
  const claim = (key: string, where: string, what: string) => {
    if (seen.has(key.toLowerCase())) fail(where, `has a duplicate ${what}`);
    seen.add(key.toLowerCase());
  };
  const tenants = [config.tenant, ...(config.tenants ?? [])];
  for (const tenant of tenants) {
    claim(tenant.id, "tenants", `tenant id "${tenant.id}"`);
    claim(tenant.domain, "tenants", `tenant domain "${tenant.domain}"`);
  }
  const users = [...config.users, ...(config.tenants ?? []).flatMap((t) => t.users)];
  for (const user of users) {
    claim(user.id, "users", `user "${user.userPrincipalName}"`);
    claim(user.userPrincipalName, "users", `user "${user.userPrincipalName}"`);
  }
  const groupIds = new Set((config.groups ?? []).map((g) => g.id));
  for (const group of config.groups ?? []) claim(group.id, "groups", `id "${group.id}"`);
  for (const user of config.users) {
    const unknown = (user.memberOf ?? []).find((id) => !groupIds.has(id));
    if (unknown)
      fail(`users ("${user.userPrincipalName}").memberOf`, `names group ${unknown}, which is not in groups`);
  }
  for (const mi of config.managedIdentities ?? []) {
    claim(mi.clientId, "managedIdentities", `clientId "${mi.clientId}"`);
  }
  if ((config.managedIdentities ?? []).filter((mi) => mi.type === "SystemAssigned").length > 1) {
    fail("managedIdentities", "has more than one SystemAssigned identity");
  }
}

/**
 * Validates a raw configuration object (as read from JSON) and fills every missing top-level key
 * from the built-in Contoso tenant. The built-in groups, other tenants and managed identities come
 * only with the built-in directory: a config that gives its own `tenant` or `users` starts without
 * them. Throws {@link EmulatorConfigError} naming the bad field.
 */
export function parseConfig(raw: unknown): EmulatorConfig {
  if (!isRecord(raw)) fail("(root)", "must be a JSON object");
  const ownDirectory = raw.tenant !== undefined || raw.users !== undefined;
  const builtIn = <T>(value: T[] | undefined): T[] => (ownDirectory ? [] : (value ?? []));
  const config: EmulatorConfig = {
    tenant: raw.tenant === undefined ? DEFAULT_CONFIG.tenant : parseTenant(raw.tenant),
    clients: list(raw.clients ?? DEFAULT_CONFIG.clients, "clients", parseClient, true),
    users: list(raw.users ?? DEFAULT_CONFIG.users, "users", (u, i) => parseUser(u, `users[${i}]`), true),
    lifetimes: raw.lifetimes === undefined ? DEFAULT_CONFIG.lifetimes : parseLifetimes(raw.lifetimes),
    apis: raw.apis === undefined ? DEFAULT_CONFIG.apis : parseApis(raw.apis),
    groups: list(raw.groups ?? builtIn(DEFAULT_CONFIG.groups), "groups", parseGroup, false),
    tenants: list(raw.tenants ?? builtIn(DEFAULT_CONFIG.tenants), "tenants", parseOtherTenant, false),
    managedIdentities: list(
      raw.managedIdentities ?? builtIn(DEFAULT_CONFIG.managedIdentities),
      "managedIdentities",
      parseManagedIdentity,
      false,
    ),
  };
  checkApiPermissions(config.apis, config.clients);
  checkDirectory(config);
  return structuredClone(config);
}

/** Loads the configuration: an object, a path to a JSON file, or (undefined) the built-in tenant. */
export function loadConfig(source: EmulatorConfig | string | undefined): EmulatorConfig {
  if (source === undefined) return parseConfig(DEFAULT_CONFIG);
  if (typeof source !== "string") return parseConfig(source);
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (cause) {
    throw new EmulatorConfigError(`entra-emulator config: cannot read ${source}`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new EmulatorConfigError(`entra-emulator config: ${source} is not valid JSON`, { cause });
  }
  return parseConfig(raw);
}
