import { randomBytes } from "node:crypto";
import type { ClientRegistration, DemoUser, EmulatorConfig, TokenLifetimes } from "./config-types.js";
import { Directory } from "./directory.js";
import { AadError } from "./errors.js";
import { KeyRing } from "./keys.js";
import type { AuthorizeRequest, SsoSession, TenantScope } from "./state-types.js";

export type HostileIdTokenKind =
  | "wrong-signature"
  | "unknown-kid"
  | "alg-none"
  | "hs256-public-key"
  | "wrong-iss"
  | "wrong-aud"
  | "aud-array-without-client"
  | "wrong-tid"
  | "expired"
  | "nbf-future"
  | "missing-nonce"
  | "wrong-nonce";

export const HOSTILE_ID_TOKEN_KINDS: readonly HostileIdTokenKind[] = [
  "wrong-signature",
  "unknown-kid",
  "alg-none",
  "hs256-public-key",
  "wrong-iss",
  "wrong-aud",
  "aud-array-without-client",
  "wrong-tid",
  "expired",
  "nbf-future",
  "missing-nonce",
  "wrong-nonce",
];

export type GrantType = "authorization_code" | "refresh_token" | "client_credentials";

export interface QueuedError {
  endpoint: "authorize" | "token";
  aadsts: number;
  error?: string;
  description?: string;
  grantType?: GrantType;
  /** Entra's `suberror` (e.g. `basic_action`); defaults per code, as Entra sends them. */
  suberror?: string;
  /** A claims challenge (JSON) sent with the error, as Conditional Access does. */
  claims?: string;
}

export type GraphFault =
  | { status: 429 | 500 | 503; retryAfter?: number; count?: number }
  | { delayMs: number; count?: number };

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  grantType?: string;
  clientId?: string;
  status: number;
}

/** What a user consented to at /authorize, carried by codes and refresh tokens. */
export interface Grant {
  clientId: string;
  userId: string;
  /** Granted scopes: OIDC ones, Graph permissions unprefixed, others as `api://…/Scope`. */
  scopes: string[];
  /** The resource the access token is for (Graph's app id or an `api://…` URI). */
  resource: string;
  sid: string;
  /** All refresh tokens descending from one authorization code share a family (revoked together). */
  familyId: string;
}

export interface AuthCodeRecord extends Grant {
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshTokenRecord extends Grant {
  issuedAt: number;
  expiresAt: number;
  redeemed: boolean;
  revoked: boolean;
}

export type { AuthorizeRequest, SsoSession, TenantScope } from "./state-types.js";

const PENDING_SECONDS = 600;
/** An SSO session unused this long is over (Entra's default session lifetime is of this order). */
export const SSO_IDLE_SECONDS = 86_400;

/** Opaque random token material (base64url). */
export function opaque(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Everything the emulator remembers: the tenant, its keys and clock, issued grants, and the
 * test controls. One instance per running emulator; routes receive it explicitly.
 */
export class EmulatorState {
  baseUrl = "";
  readonly keys = KeyRing.create();
  lifetimes: TokenLifetimes;
  clockOffsetSeconds = 0;
  readonly codes = new Map<string, AuthCodeRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly pending = new Map<string, { request: AuthorizeRequest; expiresAt: number }>();
  /** SSO sessions behind the ESTSAUTH cookie, by cookie value. */
  readonly ssoSessions = new Map<string, SsoSession>();
  /** Users' own consent, per `clientId|userId` (admin consent lives in the client's configuration). */
  readonly userConsents = new Map<string, string[]>();
  /** client_assertion `jti`s already seen, with the assertion's expiry (kept until then). */
  readonly usedJtis = new Map<string, number>();
  queuedErrors: QueuedError[] = [];
  graphFault: (GraphFault & { remaining: number }) | null = null;
  hostileIdToken: HostileIdTokenKind | null = null;
  log: RequestLogEntry[] = [];

  readonly directory: Directory;
  /** The secret App Service puts in IDENTITY_HEADER (the managed identity endpoint checks it). */
  readonly identityHeader = opaque(24);
  private workloadKeyRing: KeyRing | undefined;
  /** The configured role assignments, restored by `reset()` after `setUserRoles`. */
  private readonly configuredAssignments: ClientRegistration["appRoleAssignments"][];

  constructor(readonly config: EmulatorConfig) {
    this.lifetimes = { ...config.lifetimes };
    this.directory = new Directory(config);
    this.configuredAssignments = config.clients.map((c) => structuredClone(c.appRoleAssignments));
  }

  /** The signing keys of the built-in external issuer (`/workload-issuer`), made on first use. */
  get workloadKeys(): KeyRing {
    this.workloadKeyRing ??= KeyRing.create();
    return this.workloadKeyRing;
  }

  /** The v2.0 issuer of a tenant. */
  issuerFor(tenantId: string): string {
    return `${this.baseUrl}/${tenantId}/v2.0`;
  }

  get tenantId(): string {
    return this.config.tenant.id;
  }

  get issuer(): string {
    return `${this.baseUrl}/${this.tenantId}/v2.0`;
  }

  get tokenEndpoint(): string {
    return `${this.baseUrl}/${this.tenantId}/oauth2/v2.0/token`;
  }

  /** The emulator's clock in epoch seconds (wall clock plus `advanceClock` offsets). */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffsetSeconds;
  }

  nowDate(): Date {
    return new Date(this.now() * 1000);
  }

  /** Accepts a tenant's GUID or domain, or the multi-tenant aliases; anything else is AADSTS90002. */
  resolveTenant(segment: string): TenantScope {
    const lower = segment.toLowerCase();
    if (lower === "common" || lower === "organizations") return { tenant: null, segment: lower };
    const tenant = this.directory.findTenant(segment);
    if (tenant) return { tenant, segment };
    throw new AadError(
      "invalid_tenant",
      90002,
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }

  findClient(clientId: string): ClientRegistration | undefined {
    return this.config.clients.find((c) => c.clientId === clientId.toLowerCase());
  }

  /** A user of any tenant by id, UPN or mail. */
  findUser(idOrUpn: string): DemoUser | undefined {
    return this.directory.findUser(idOrUpn);
  }

  /** Parks an /authorize request while the picker is shown; returns its server-side id. */
  park(request: AuthorizeRequest): string {
    this.sweep();
    const id = opaque(24);
    this.pending.set(id, { request, expiresAt: this.now() + PENDING_SECONDS });
    return id;
  }

  /** Takes (single use) a parked /authorize request. */
  unpark(id: string): AuthorizeRequest | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (!entry || entry.expiresAt < this.now()) return undefined;
    return entry.request;
  }

  /** Takes the first queued error for this endpoint (and grant type, when the error names one). */
  takeQueuedError(endpoint: QueuedError["endpoint"], grantType?: string): QueuedError | undefined {
    const index = this.queuedErrors.findIndex(
      (e) => e.endpoint === endpoint && (e.grantType === undefined || e.grantType === grantType),
    );
    if (index < 0) return undefined;
    return this.queuedErrors.splice(index, 1)[0];
  }

  /** Revokes every refresh token in a family (code reuse) — or of a user when `userId` is given. */
  revokeWhere(match: (record: RefreshTokenRecord) => boolean): number {
    let count = 0;
    for (const record of this.refreshTokens.values()) {
      if (match(record) && !record.revoked) {
        record.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Drops expired codes, parked requests and jtis so a long-running emulator stays small. */
  sweep(): void {
    const now = this.now();
    for (const [key, value] of this.pending) if (value.expiresAt < now) this.pending.delete(key);
    for (const [key, value] of this.codes) if (value.expiresAt + 3600 < now) this.codes.delete(key);
    for (const [key, exp] of this.usedJtis) if (exp + 600 < now) this.usedJtis.delete(key);
    for (const [key, value] of this.refreshTokens)
      if (value.expiresAt + 86_400 < now) this.refreshTokens.delete(key);
    for (const [key, session] of this.ssoSessions) {
      if (session.lastUsedAt + SSO_IDLE_SECONDS < now) this.ssoSessions.delete(key);
    }
    // And at most the newest 10k (Maps iterate oldest first).
    for (const key of this.ssoSessions.keys()) {
      if (this.ssoSessions.size <= 10_000) break;
      this.ssoSessions.delete(key);
    }
  }

  /** Clears every test control back to the configured state (keys and issued grants stay). */
  reset(): void {
    this.sweep(); // before the clock goes back: what expired under an advanced clock goes too
    this.queuedErrors = [];
    this.graphFault = null;
    this.hostileIdToken = null;
    this.log = [];
    this.clockOffsetSeconds = 0;
    this.lifetimes = { ...this.config.lifetimes };
    this.config.clients.forEach((client, i) => {
      client.appRoleAssignments = structuredClone(this.configuredAssignments[i]);
    });
  }
}
