import { randomBytes } from "node:crypto";
import { ClientAuthError, CryptoProvider, ResponseMode, ServerError } from "@azure/msal-node";
import type { FastifyBaseLogger } from "fastify";
import { GroupsPermissionError } from "../authz/member-groups.js";
import { type GroupsSource, signInAuthorization } from "../authz/sign-in-authorization.js";
import type { EntraSettings } from "../config.js";
import { isMultiTenant } from "../config-entra.js";
import { GUID_SOURCE, isGuid } from "../guid.js";
import type { KeyValueStore } from "../session/kv-store.js";
import type { SessionIdentity } from "../session/session-data.js";
import { parseAadstsCode } from "./aadsts.js";
import type { IdTokenVerifier } from "./id-token.js";
import type { OidcMetadata } from "./idp-metadata.js";
import { type MsalClientFactory, SIGN_IN_SCOPES } from "./msal-client.js";
import { PreLoginRecords } from "./pre-login.js";
import { SignInError } from "./sign-in-error.js";
import { callbackIssuerMatches, externalIdIssuers, tenantAllowed } from "./tenant-policy.js";
import { sessionCachePlugin } from "./token-cache.js";
import type { TokenService } from "./token-service.js";

export { LOGIN_TTL_MS } from "./pre-login.js";
export { SignInError, type SignInFailure } from "./sign-in-error.js";

export interface LoginServiceOptions {
  kv: KeyValueStore;
  idp: EntraSettings;
  redirectUri: string;
  /** TTL of the new session's token cache (the idle timeout; session touches extend it). */
  tokenCacheTtlMs: number;
  /** Most pre-login records at once (PRELOGIN_MAX). */
  preLoginMax: number;
  metadata: () => Promise<OidcMetadata>;
  msal: () => Promise<MsalClientFactory>;
  verifier: () => Promise<IdTokenVerifier>;
  tokens: TokenService;
  log: FastifyBaseLogger;
  /** Where a groups overage is resolved (Graph) and which groups to keep. */
  groups: GroupsSource;
}

export interface StartLogin {
  returnTo: string;
  /** The browser-binding cookie value. */
  binding: string;
  prompt?: "select_account" | "login";
  /** Incremental consent: declared APIs' scopes to ask for besides the sign-in scopes. */
  extraScopes?: string[];
  /** A claims challenge from Entra (after `reauth_required`). */
  claims?: string;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
  /** RFC 9207: the issuer of the authorization response, when the IdP sends it. */
  iss?: string;
}

/** OAuth error codes are short ASCII words; anything longer or stranger is cut. */
const MAX_ERROR_LENGTH = 64;

const crypto = new CryptoProvider();

/**
 * Authorization code flow with PKCE through MSAL Node: starts sign-ins (pre-login records in the
 * KV store, so several tabs and instances work) and completes them (state, code exchange,
 * ID token verification).
 */
export class LoginService {
  readonly #pending: PreLoginRecords;
  constructor(private readonly o: LoginServiceOptions) {
    this.#pending = new PreLoginRecords(o.kv, o.preLoginMax, o.log);
  }

  /** Stores a pre-login record and returns the authorize URL to redirect to. */
  async start(request: StartLogin): Promise<string> {
    const factory = await this.o.msal();
    const state = randomBytes(32).toString("base64url");
    const nonce = randomBytes(32).toString("base64url");
    const pkce = await crypto.generatePkceCodes();
    const apiScopes = request.extraScopes?.length ? request.extraScopes : undefined;
    const pending = {
      codeVerifier: pkce.verifier,
      nonce,
      returnTo: request.returnTo,
      ...(apiScopes ? { apiScopes } : {}),
    };
    if (!(await this.#pending.save(state, request.binding, pending))) {
      throw new SignInError({ kind: "too_many_sign_ins" }, request.returnTo);
    }
    // Building a URL touches no token cache.
    return factory().getAuthCodeUrl({
      scopes: signInScopes(apiScopes),
      redirectUri: this.o.redirectUri,
      state,
      nonce,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: "S256",
      responseMode: ResponseMode.QUERY,
      ...(request.prompt ? { prompt: request.prompt } : {}),
      ...(request.claims ? { claims: request.claims } : {}),
    });
  }

  /** Completes a sign-in from the redirect URI's query; throws SignInError on any failure. */
  async complete(
    query: CallbackQuery,
    binding: string | undefined,
  ): Promise<{ identity: SessionIdentity; returnTo: string }> {
    const record = await this.#pending.take(query.state, binding);
    // A response from another issuer (mix-up) is never redeemed.
    if (query.iss !== undefined && !callbackIssuerMatches(query.iss, (await this.o.metadata()).issuer)) {
      throw new SignInError({ kind: "issuer_mismatch" }, record?.returnTo);
    }
    if (query.error) {
      // Anyone can craft an error link: the IdP's text is shown only for this browser's sign-in.
      if (!record) throw new SignInError({ kind: "unverified_error" });
      throw new SignInError(
        {
          kind: "entra_error",
          error: query.error.replace(/[^\x21-\x7e]/g, "").slice(0, MAX_ERROR_LENGTH),
          ...(query.error_description ? { description: query.error_description } : {}),
          ...optionalAadsts(parseAadstsCode(query.error_description)),
        },
        record?.returnTo,
      );
    }
    if (!record) throw new SignInError({ kind: "state_invalid" });
    if (!query.code) throw new SignInError({ kind: "bad_request", reason: "no code" }, record.returnTo);

    const [factory, metadata, verify] = await Promise.all([
      this.o.msal(),
      this.o.metadata(),
      this.o.verifier(),
    ]);
    const cacheKey = randomBytes(32).toString("base64url");
    const client = factory(sessionCachePlugin(this.o.kv, cacheKey, this.o.tokenCacheTtlMs));
    let result: Awaited<ReturnType<typeof client.acquireTokenByCode>>;
    try {
      result = await client.acquireTokenByCode(
        {
          code: query.code,
          redirectUri: this.o.redirectUri,
          scopes: signInScopes(record.apiScopes),
          codeVerifier: record.codeVerifier,
          state: query.state,
          // MSAL compares the ID token's nonce with this one (and we verify it again).
          nonce: record.nonce,
        },
        { code: query.code, state: query.state },
      );
    } catch (error) {
      await this.o.tokens.forget(cacheKey);
      throw exchangeFailure(error, record.returnTo);
    }

    try {
      if (!result?.idToken || !result.account) throw new Error("the token response has no ID token");
      const claims = await verify(result.idToken, {
        issuer: metadata.issuer,
        alsoIssuers: externalIdIssuers(this.o.idp.authorityHost),
        clientId: this.o.idp.clientId,
        tenantId: isMultiTenant(this.o.idp.tenantId)
          ? undefined
          : expectedTenantId(this.o.idp.tenantId, metadata.issuer),
        nonce: record.nonce,
      });
      if (query.iss !== undefined && query.iss !== claims.iss) {
        throw new SignInError({ kind: "issuer_mismatch" }, record.returnTo);
      }
      if (!tenantAllowed(claims.tid, this.o.idp.allowedTenants)) {
        const tenantId = String(claims.tid).slice(0, 36);
        throw new SignInError({ kind: "tenant_not_allowed", tenantId }, record.returnTo);
      }
      const authz = await signInAuthorization(claims, result.accessToken, this.o.groups).catch((error) => {
        throw new SignInError(
          { kind: "groups_unavailable", permission: error instanceof GroupsPermissionError },
          record.returnTo,
          { cause: error },
        );
      });
      const identity: SessionIdentity = {
        homeAccountId: result.account.homeAccountId,
        user: {
          name: stringClaim(claims.name) ?? result.account.name ?? "",
          username: stringClaim(claims.preferred_username) ?? result.account.username,
          oid: stringClaim(claims.oid) ?? stringClaim(claims.sub) ?? "",
          tid: stringClaim(claims.tid) ?? "",
        },
        ...authz,
        cacheKey,
      };
      const loginHint = stringClaim(claims.login_hint);
      if (loginHint) identity.loginHint = loginHint;
      // The IdP's sign-in session and subject: what front- and back-channel logout name.
      const sid = stringClaim(claims.sid);
      if (sid) identity.sid = sid;
      const sub = stringClaim(claims.sub);
      if (sub) identity.sub = sub;
      // After an incremental consent the code's token is the API's, not Graph's: not kept as Graph's.
      if (result.accessToken && result.expiresOn && !record.apiScopes) {
        await this.o.tokens.remember(cacheKey, {
          accessToken: result.accessToken,
          expiresOnMs: result.expiresOn.getTime(),
        });
      }
      return { identity, returnTo: record.returnTo };
    } catch (error) {
      await this.o.tokens.forget(cacheKey);
      if (error instanceof SignInError) throw error;
      const reason =
        error instanceof Error && error.name === "IdTokenError" ? error.message : "invalid ID token";
      throw new SignInError({ kind: "id_token_invalid", reason }, record.returnTo, { cause: error });
    }
  }
}

/**
 * The scopes of an authorize request and its code redemption. Incremental consent asks for the
 * declared API's scopes instead of Graph's: Entra issues a token for one resource only
 * (AADSTS28000), and Graph's User.Read was consented to at the first sign-in.
 */
function signInScopes(apiScopes: string[] | undefined): string[] {
  if (!apiScopes) return SIGN_IN_SCOPES;
  return [...SIGN_IN_SCOPES.filter((scope) => OIDC_SCOPES.includes(scope)), ...apiScopes];
}

const OIDC_SCOPES = ["openid", "profile", "offline_access"];

function exchangeFailure(error: unknown, returnTo: string): SignInError {
  if (error instanceof ServerError) {
    return new SignInError(
      {
        kind: "entra_error",
        error: error.errorCode || "server_error",
        ...optionalAadsts(parseAadstsCode(error.errorMessage)),
      },
      returnTo,
      { cause: error },
    );
  }
  // Timeouts, refused connections and non-JSON 5xx pages from the token endpoint.
  if (error instanceof ClientAuthError && error.errorCode === "network_error") {
    return new SignInError({ kind: "idp_unavailable" }, returnTo, { cause: error });
  }
  if (error instanceof ClientAuthError && error.errorCode === "nonce_mismatch") {
    return new SignInError(
      { kind: "id_token_invalid", reason: "the ID token's nonce does not match" },
      returnTo,
      {
        cause: error,
      },
    );
  }
  return new SignInError({ kind: "exchange_failed" }, returnTo, { cause: error });
}

/** The tenant GUID expected in `tid`: the configured one, or (for a domain name) the issuer's. */
export function expectedTenantId(configured: string, issuer: string): string {
  if (isGuid(configured)) return configured;
  const fromIssuer = new RegExp(`/(${GUID_SOURCE})/v2\\.0/?$`).exec(issuer);
  return fromIssuer?.[1] ?? configured;
}

function optionalAadsts(code: number | undefined): { aadsts?: number } {
  return code === undefined ? {} : { aadsts: code };
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
