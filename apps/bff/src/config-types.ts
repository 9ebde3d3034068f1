import type { ApiRoute } from "./apis/api-config.js";
import type { AllowedTenants } from "./config-entra.js";
import type { OperationsSettings } from "./config-operations.js";
import type { ClientCredential } from "./credentials.js";
import type { RedisSettings } from "./session/redis-config.js";

/** A real (or externally run) Entra ID tenant. */
export interface EntraSettings {
  mode: "entra";
  tenantId: string;
  clientId: string;
  credential: ClientCredential;
  /** Origin of the authority, no trailing slash, e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** Base of Microsoft Graph, no trailing slash. */
  graphBaseUrl: string;
  /** True when the settings point at the project's emulator (ENTRA_EMULATOR_URL). */
  emulator: boolean;
  /** ENTRA_GROUPS_FILTER: the only group ids kept in sessions (lower case). */
  groupsFilter?: ReadonlySet<string>;
  /** ENTRA_ALLOWED_TENANTS, with ENTRA_TENANT_ID=organizations|common only. */
  allowedTenants?: AllowedTenants;
}

/** No ENTRA_* at all: start the emulator in-process (or use ENTRA_EMULATOR_URL). */
export interface EmulatorModeSettings {
  mode: "emulator";
  port: number;
  externalUrl?: string;
}

export interface Config extends OperationsSettings {
  port: number;
  host: string;
  /** Origin (and optional path) users open, no trailing slash. Decides Secure/__Host- cookies. */
  publicUrl: string;
  /** Always `${publicUrl}/getAToken`, never built from the Host header. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** PUBLIC_URL is https: Secure cookies with the __Host- prefix (session: __Host-Http-), HSTS. */
  secureCookies: boolean;
  webDistDir: string;
  logLevel: string;
  /** Newest first: new cookies are signed with the first, the others still verify (rotation). */
  sessionSecrets: string[];
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Unset: state lives in memory. See session/redis-config.ts for the topologies. */
  redis: RedisSettings | undefined;
  trustProxy: false | number | string[];
  authRateLimitPerMinute: number;
  /** Most sign-ins in progress at once (pre-login records); more get a 503 page. */
  preLoginMax: number;
  /** Without Redis: most keys the in-process store holds before it forgets the least recently used. */
  memoryStoreMaxKeys: number;
  graphTimeoutMs: number;
  /** Deadline of each request MSAL makes to the IdP (token endpoint): a hung IdP never hangs sign-in. */
  idpTimeoutMs: number;
  /** Bearer token for `GET /metrics`; without it the route does not exist. */
  metricsToken?: string;
  idp: EntraSettings | EmulatorModeSettings;
  /** Declared API routes (BFF_APIS); in emulator mode the sample Tasks API is added. */
  apis: ApiRoute[];
  /** Start-up warnings for server.ts to log (e.g. a generated session secret). */
  warnings: string[];
}

/** A config whose identity provider is concrete: what buildApp needs. */
export type AppConfig = Omit<Config, "idp"> & { idp: EntraSettings };
