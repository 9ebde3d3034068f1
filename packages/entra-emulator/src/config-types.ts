import type { JWK } from "jose";

/** A user of an emulated tenant, in Graph's default `/users` property set plus `hasPhoto`. */
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
  /** Ids of the groups (of the same tenant) the user is a direct member of. Default []. */
  memberOf?: string[];
}

/** A group of the home tenant (`groups` in the configuration). */
export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Security group (true, the default) or a Microsoft 365 / distribution group (false). */
  securityEnabled: boolean;
}

/** An app role the app registration defines (its manifest's `appRoles`). */
export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  allowedMemberTypes: ("User" | "Application")[];
}

/** A role given to a user or to a group (then to its members) on this app. */
export interface AppRoleAssignment {
  /** A user id or a group id. */
  principalId: string;
  /** The role's `value` (e.g. `Tasks.Admin`). */
  role: string;
}

/** A federated identity credential: tokens of `issuer` for `subject` may stand in for a secret. */
export interface FederatedCredential {
  name: string;
  /** Exact (case-sensitive) issuer; `{emulator}` stands for the emulator's own base URL. */
  issuer: string;
  subject: string;
  /** Default `["api://AzureADTokenExchange"]`. */
  audiences: string[];
  /** The issuer's public keys; when null they come from `{issuer}/.well-known/openid-configuration`. */
  jwks: { keys: JWK[] } | null;
}

export type SignInAudience = "AzureADMyOrg" | "AzureADMultipleOrgs";
export type GroupMembershipClaims = "None" | "SecurityGroup" | "All";

/** What decides an app's `roles` and `groups` claims (an app registration or a registered API). */
export interface AuthorizationSettings {
  appRoles?: AppRole[];
  appRoleAssignments?: AppRoleAssignment[];
  /** Which groups the `groups` claim lists (default "None": no claim). */
  groupMembershipClaims?: GroupMembershipClaims;
}

/** An app registration (confidential web client). */
export interface ClientRegistration extends AuthorizationSettings {
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
  /** Who may sign in: the home tenant only (default) or any configured tenant. */
  signInAudience?: SignInAudience;
  /** Where the sign-out page sends `?sid=…` in a hidden iframe. Default null. */
  frontchannelLogoutUrl?: string | null;
  /** Trusted external tokens (workload identity federation, managed identity). Default []. */
  federatedCredentials?: FederatedCredential[];
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

/** Another directory besides the home `tenant` (multi-tenant sign-in), with its own users. */
export interface OtherTenant extends TenantConfig {
  users: DemoUser[];
}

/** A managed identity (IMDS / App Service endpoint) of the home tenant. */
export interface ManagedIdentity {
  /** Its application (client) id: `client_id` on the endpoint selects a user-assigned one. */
  clientId: string;
  /** Its object (principal) id: the `sub` and `oid` of its tokens. */
  principalId: string;
  /** The system-assigned identity answers requests without `client_id`. */
  type: "SystemAssigned" | "UserAssigned";
}

/**
 * Another app registration that exposes an API ("Expose an API"): clients ask for its scopes as
 * `{identifierUri}/{scope}` and get an access token for it in the format its manifest asks for.
 */
export interface ResourceApp extends AuthorizationSettings {
  /** Application (client) ID: the `aud` of its v2.0 access tokens. */
  appId: string;
  displayName: string;
  /** App ID URIs; default `["api://{appId}"]`. */
  identifierUris: string[];
  /** The delegated scopes it exposes (names only, e.g. `Tasks.ReadWrite`). */
  scopes: string[];
  /** The manifest's `requestedAccessTokenVersion`: 1 (Entra's default, `aud` = the URI) or 2. */
  requestedAccessTokenVersion: 1 | 2;
}

/** The whole emulator configuration; a JSON file may give any subset of the top-level keys. */
export interface EmulatorConfig {
  tenant: TenantConfig;
  clients: ClientRegistration[];
  users: DemoUser[];
  lifetimes: TokenLifetimes;
  /** Resource apps (your own APIs); default none. */
  apis: ResourceApp[];
  /** The home tenant's groups. */
  groups?: DirectoryGroup[];
  /** Other tenants (with their users). */
  tenants?: OtherTenant[];
  managedIdentities?: ManagedIdentity[];
}
