import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG } from "./default-tenant.js";
import { canonicalPermission } from "./scopes.js";

/** A user of the emulated tenant, in Graph's default `/users` property set plus `hasPhoto`. */
export interface DemoUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  mail: string | null;
  userPrincipalName: string;
  mobilePhone: string | null;
  businessPhones: string[];
  officeLocation: string | null;
  preferredLanguage: string | null;
  /** false: Graph answers 404 ImageNotFound for this user's photo. */
  hasPhoto: boolean;
}

/** An app registration (confidential web client). */
export interface ClientRegistration {
  clientId: string;
  displayName: string;
  clientSecrets: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** PEM X.509 certificates whose private keys may sign `client_assertion`s. */
  certificates: string[];
  /**
   * Reject any `client_assertion` whose `jti` was seen before. Off by default because MSAL Node
   * caches one signed assertion and re-sends it until it expires (measured with msal-node 7.2.3),
   * which Entra evidently accepts.
   */
  singleUseAssertions?: boolean;
  /**
   * Configured ("API permissions") delegated scopes: Graph names (`User.Read`) or another resource
   * app's (`api://<app-id>/Scope`). Requesting `.default` asks for these. Default `["User.Read"]`.
   */
  permissions?: string[];
  /**
   * Scopes an administrator consented to for every user of the tenant. Default: all of
   * `permissions`. Other scopes need the user's own consent on the account picker.
   */
  adminConsent?: string[];
}

export interface TokenLifetimes {
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
  codeSeconds: number;
}

export interface TenantConfig {
  id: string;
  domain: string;
  displayName: string;
  regionScope: string;
}

/** The whole emulator configuration; a JSON file may give any subset of the top-level keys. */
export interface EmulatorConfig {
  tenant: TenantConfig;
  clients: ClientRegistration[];
  users: DemoUser[];
  lifetimes: TokenLifetimes;
}

/** Thrown for a configuration the emulator cannot run with; the message names the field. */
export class EmulatorConfigError extends Error {
  override name = "EmulatorConfigError";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(path: string, what: string): never {
  throw new EmulatorConfigError(`entra-emulator config: ${path} ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value === "") fail(`${path}.${key}`, "must be a non-empty string");
  return value;
}

function optStr(obj: Record<string, unknown>, key: string, path: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") fail(`${path}.${key}`, "must be a string or null");
  return value;
}

function strArray(obj: Record<string, unknown>, key: string, path: string): string[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(`${path}.${key}`, "must be an array of strings");
  }
  return value as string[];
}

function guid(obj: Record<string, unknown>, key: string, path: string): string {
  const value = str(obj, key, path);
  if (!GUID.test(value)) fail(`${path}.${key}`, `must be a GUID, got "${value}"`);
  return value.toLowerCase();
}

function parseTenant(raw: unknown): TenantConfig {
  if (!isRecord(raw)) fail("tenant", "must be an object");
  return {
    id: guid(raw, "id", "tenant"),
    domain: str(raw, "domain", "tenant"),
    displayName: optStr(raw, "displayName", "tenant") ?? "Contoso",
    regionScope: optStr(raw, "regionScope", "tenant") ?? "NA",
  };
}

function parseClient(raw: unknown, i: number): ClientRegistration {
  const path = `clients[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  const client: ClientRegistration = {
    clientId: guid(raw, "clientId", path),
    displayName: optStr(raw, "displayName", path) ?? "App",
    clientSecrets: strArray(raw, "clientSecrets", path),
    redirectUris: strArray(raw, "redirectUris", path),
    postLogoutRedirectUris: strArray(raw, "postLogoutRedirectUris", path),
    certificates: strArray(raw, "certificates", path),
    singleUseAssertions: raw.singleUseAssertions === true,
  };
  if (raw.singleUseAssertions !== undefined && typeof raw.singleUseAssertions !== "boolean") {
    fail(`${path}.singleUseAssertions`, "must be a boolean");
  }
  parsePermissions(raw, client, path);
  for (const uri of [...client.redirectUris, ...client.postLogoutRedirectUris]) {
    if (!URL.canParse(uri)) fail(path, `has an invalid URI "${uri}"`);
  }
  if (client.clientSecrets.length === 0 && client.certificates.length === 0) {
    fail(path, "needs at least one of clientSecrets or certificates (it is a confidential client)");
  }
  return client;
}

/** Validates and canonicalises `permissions` / `adminConsent` (consent only for configured scopes). */
function parsePermissions(raw: Record<string, unknown>, client: ClientRegistration, path: string): void {
  const canonical = (key: string) =>
    strArray(raw, key, path).map((scope) => {
      const known = canonicalPermission(scope);
      if (!known) {
        fail(`${path}.${key}`, `has "${scope}", which is neither a Graph permission nor api://<app>/<scope>`);
      }
      return known;
    });
  const permissions = raw.permissions === undefined ? ["User.Read"] : canonical("permissions");
  const adminConsent = raw.adminConsent === undefined ? permissions : canonical("adminConsent");
  for (const scope of adminConsent) {
    if (!permissions.includes(scope)) {
      fail(`${path}.adminConsent`, `has "${scope}", which is not among the client's permissions`);
    }
  }
  client.permissions = permissions;
  client.adminConsent = adminConsent;
}

function parseUser(raw: unknown, i: number): DemoUser {
  const path = `users[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  const hasPhoto = raw.hasPhoto ?? true;
  if (typeof hasPhoto !== "boolean") fail(`${path}.hasPhoto`, "must be a boolean");
  return {
    id: guid(raw, "id", path),
    displayName: str(raw, "displayName", path),
    givenName: optStr(raw, "givenName", path),
    surname: optStr(raw, "surname", path),
    jobTitle: optStr(raw, "jobTitle", path),
    mail: optStr(raw, "mail", path),
    userPrincipalName: str(raw, "userPrincipalName", path),
    mobilePhone: optStr(raw, "mobilePhone", path),
    businessPhones: strArray(raw, "businessPhones", path),
    officeLocation: optStr(raw, "officeLocation", path),
    preferredLanguage: optStr(raw, "preferredLanguage", path),
    hasPhoto,
  };
}

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

function nonEmptyList<T>(raw: unknown, key: string, parse: (item: unknown, i: number) => T): T[] {
  if (!Array.isArray(raw) || raw.length === 0) fail(key, "must be a non-empty array");
  return raw.map(parse);
}

/**
 * Validates a raw configuration object (as read from JSON) and fills every missing top-level key
 * from the built-in Contoso tenant. Throws {@link EmulatorConfigError} naming the bad field.
 */
export function parseConfig(raw: unknown): EmulatorConfig {
  if (!isRecord(raw)) fail("(root)", "must be a JSON object");
  const config: EmulatorConfig = {
    tenant: raw.tenant === undefined ? DEFAULT_CONFIG.tenant : parseTenant(raw.tenant),
    clients:
      raw.clients === undefined ? DEFAULT_CONFIG.clients : nonEmptyList(raw.clients, "clients", parseClient),
    users: raw.users === undefined ? DEFAULT_CONFIG.users : nonEmptyList(raw.users, "users", parseUser),
    lifetimes: raw.lifetimes === undefined ? DEFAULT_CONFIG.lifetimes : parseLifetimes(raw.lifetimes),
  };
  const ids = new Set<string>();
  for (const user of config.users) {
    const key = user.userPrincipalName.toLowerCase();
    if (ids.has(user.id) || ids.has(key)) fail("users", `has a duplicate user "${user.userPrincipalName}"`);
    ids.add(user.id);
    ids.add(key);
  }
  return structuredClone(config);
}

/** Loads the configuration: an object, a path to a JSON file, or (undefined) the built-in tenant. */
export function loadConfig(source: EmulatorConfig | string | undefined): EmulatorConfig {
  if (source === undefined) return structuredClone(DEFAULT_CONFIG);
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
