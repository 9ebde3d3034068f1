import type { ClientRegistration, TenantConfig } from "./config-types.js";
import type { ScopeRequest } from "./scopes.js";

/** An SSO session behind the ESTSAUTH cookie. */
export interface SsoSession {
  userId: string;
  /** Entra's `sid`: one per sign-in session, in every ID token issued from it. */
  sid: string;
  /** Apps signed in from this session (their front-channel logout URLs are called at sign-out). */
  clients: Set<string>;
  /** Emulator time (epoch s) the session last signed someone in; idle sessions end. */
  lastUsedAt: number;
}

/** The tenant an endpoint was called for: one tenant, or (null) `common` / `organizations`. */
export interface TenantScope {
  tenant: TenantConfig | null;
  /** The path segment as sent (tenant id, domain, or alias). */
  segment: string;
}

/** Validated /authorize parameters kept server-side while the account picker is shown. */
export interface AuthorizeRequest {
  client: ClientRegistration;
  /** The tenant of the authority (null: `common` / `organizations`: users of every tenant). */
  tenantId: string | null;
  redirectUri: string;
  responseMode: "query" | "form_post" | "fragment";
  scopes: ScopeRequest;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  prompt: string | undefined;
  loginHint: string | undefined;
  /** `client_info=1` was sent: the redirect and token response carry `client_info`. */
  clientInfo: boolean;
  /** Set once the user is known (picker or SSO) while the consent step is shown. */
  userId?: string;
  /** The permissions the consent step asks the user to grant. */
  consent?: string[];
}
