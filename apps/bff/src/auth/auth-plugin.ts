import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { authorizationRefreshHandler } from "../authz/refresh-handler.js";
import { SessionAuthorization } from "../authz/session-authorization.js";
import type { EntraSettings } from "../config.js";
import { isMultiTenant } from "../config-entra.js";
import { AppError } from "../errors.js";
import { createIdTokenVerifier, type IdTokenVerifier } from "./id-token.js";
import { IdpMetadata, type OidcMetadata } from "./idp-metadata.js";
import { expectedTenantId, LoginService } from "./login-service.js";
import { createMsalClientFactory, type MsalClientFactory } from "./msal-client.js";
import { externalIdIssuers } from "./tenant-policy.js";
import { TokenService } from "./token-service.js";

/** The identity side of the BFF, shared by the auth and API routes. */
export interface Auth {
  metadata: IdpMetadata;
  login: LoginService;
  tokens: TokenService;
  /** The session's current roles and groups (the latest refresh's, else the sign-in's). */
  authorization: SessionAuthorization;
  /** The MSAL client factory, once the IdP metadata is loaded (app-only tokens of declared APIs). */
  msal(): Promise<MsalClientFactory>;
  /** Entra's end-session URL that brings the browser back to the app. */
  logoutUrl(loginHint?: string): Promise<string>;
}

declare module "fastify" {
  interface FastifyInstance {
    auth: Auth;
  }
}

export interface AuthPluginOptions {
  idp: EntraSettings;
  /** Always `${PUBLIC_URL}/getAToken`. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Time allowed for each request to Entra ID (IDP_TIMEOUT_MS). */
  idpTimeoutMs: number;
  /**
   * TTL of a session's token cache (the idle timeout): every session touch extends it, so the
   * refresh token never outlives a session that idled out.
   */
  tokenCacheTtlMs: number;
  /** How long an ended session's tombstone blocks late token writes. */
  tombstoneMs: number;
  /** Most sign-ins in progress at once (PRELOGIN_MAX). */
  preLoginMax: number;
  /** Time allowed for Graph's answer (the groups of a groups overage). */
  graphTimeoutMs: number;
  /** Ids of the declared APIs' resources (user tokens), whose shared tokens end with the session. */
  resourceIds?: readonly string[];
  /** How long a request waits for IdP metadata that is still loading. */
  metadataWaitMs?: number;
}

/**
 * Decorates `auth`: IdP metadata (loaded in the background with retries), MSAL clients built
 * from it, the ID token verifier (jose + JWKS), sign-in and the per-session token service.
 * @see https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, options) => {
    const { idp, idpTimeoutMs, tokenCacheTtlMs, metadataWaitMs = 5000 } = options;
    const log = app.log.child({ component: "auth" });
    const metadata = new IdpMetadata({
      discoveryUrl: `${idp.authorityHost}/${idp.tenantId}/v2.0/.well-known/openid-configuration`,
      log,
      timeoutMs: idpTimeoutMs,
    });

    async function loadedMetadata(): Promise<OidcMetadata> {
      const loaded = await metadata.waitFor(metadataWaitMs);
      if (!loaded) {
        throw new AppError("upstream_unavailable", 503, "The identity provider is not reachable right now.");
      }
      return loaded;
    }
    let factory: MsalClientFactory | undefined;
    let verifier: IdTokenVerifier | undefined;
    const msal = async () => {
      const loaded = await loadedMetadata();
      factory ??= createMsalClientFactory(idp, loaded, log, idpTimeoutMs);
      return factory;
    };

    const authorization = new SessionAuthorization(app.kv);
    const loadedVerifier = async () => {
      verifier ??= createIdTokenVerifier((await loadedMetadata()).jwks_uri, idpTimeoutMs);
      return verifier;
    };
    const tokens = new TokenService({
      kv: app.kv,
      msal,
      cacheTtlMs: tokenCacheTtlMs,
      tombstoneTtlMs: options.tombstoneMs,
      log,
      onRefresh: (result) => app.metrics.tokenRefresh(result),
      onIdToken: authorizationRefreshHandler({
        authorization,
        verifier: loadedVerifier,
        expectations: async () => {
          const { issuer } = await loadedMetadata();
          const tenantId = isMultiTenant(idp.tenantId) ? undefined : expectedTenantId(idp.tenantId, issuer);
          return {
            issuer,
            alsoIssuers: externalIdIssuers(idp.authorityHost),
            clientId: idp.clientId,
            tenantId,
          };
        },
        filter: idp.groupsFilter,
        ttlMs: tokenCacheTtlMs,
      }),
      resourceIds: options.resourceIds ?? [],
    });
    const login = new LoginService({
      kv: app.kv,
      idp,
      redirectUri: options.redirectUri,
      tokenCacheTtlMs,
      preLoginMax: options.preLoginMax,
      metadata: loadedMetadata,
      msal,
      verifier: loadedVerifier,
      tokens,
      log,
      groups: {
        graphBaseUrl: idp.graphBaseUrl,
        timeoutMs: options.graphTimeoutMs,
        ...(idp.groupsFilter ? { filter: idp.groupsFilter } : {}),
      },
    });

    app.decorate("auth", {
      metadata,
      login,
      tokens,
      authorization,
      msal,
      async logoutUrl(loginHint?: string) {
        const loaded = await loadedMetadata();
        const endpoint =
          loaded.end_session_endpoint ?? `${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/logout`;
        const url = new URL(endpoint);
        // client_id lets Entra match post_logout_redirect_uri to this app's registration.
        url.searchParams.set("client_id", idp.clientId);
        url.searchParams.set("post_logout_redirect_uri", options.postLogoutRedirectUri);
        if (loginHint) url.searchParams.set("logout_hint", loginHint);
        return url.toString();
      },
    });
    // A session that ended (or was replaced by a new sign-in) leaves no token in this process.
    app.sessionEvents.onSessionEnded((sessionId) => tokens.dropHot(sessionId));
    // Expired hot tokens of sessions nobody uses any more would otherwise stay until evicted.
    const purge = setInterval(() => tokens.purgeExpired(), 60_000);
    purge.unref();
    app.addHook("onClose", async () => {
      clearInterval(purge);
      metadata.stop();
    });
    // The first attempt runs now; failures keep retrying in the background.
    await metadata.start();
  },
  { name: "auth", dependencies: ["kv", "metrics", "session-events"] },
);
