import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { resourceId } from "../apis/scopes.js";
import type { AppConfig } from "../config.js";
import { AppError } from "../errors.js";
import { tombstoneTtlMs } from "../session/session-keys.js";
import { createIdTokenVerifier, type IdTokenVerifier } from "./id-token.js";
import { IdpMetadata, type OidcMetadata } from "./idp-metadata.js";
import { LoginService } from "./login-service.js";
import { createMsalClientFactory, type MsalClientFactory } from "./msal-client.js";
import { TokenService } from "./token-service.js";

/** The identity side of the BFF, shared by the auth and API routes. */
export interface Auth {
  metadata: IdpMetadata;
  login: LoginService;
  tokens: TokenService;
  /** The MSAL client factory, once the IdP metadata is loaded. */
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
  config: AppConfig;
  /** How long a request waits for IdP metadata that is still loading. */
  metadataWaitMs?: number;
}

/**
 * Decorates `auth`: IdP metadata (loaded in the background with retries), MSAL clients built
 * from it, the ID token verifier (jose + JWKS), sign-in and the per-session token service.
 * @see https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, { config, metadataWaitMs = 5000 }) => {
    const idp = config.idp;
    const log = app.log.child({ component: "auth" });
    const metadata = new IdpMetadata({
      discoveryUrl: `${idp.authorityHost}/${idp.tenantId}/v2.0/.well-known/openid-configuration`,
      log,
      timeoutMs: config.idpTimeoutMs,
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
      factory ??= createMsalClientFactory(idp, loaded, log, config.idpTimeoutMs);
      return factory;
    };

    const tokens = new TokenService({
      kv: app.kv,
      msal,
      cacheTtlMs: config.sessionAbsoluteMs,
      tombstoneTtlMs: tombstoneTtlMs(config.idpTimeoutMs),
      log,
      onRefresh: (result) => app.metrics.tokenRefresh(result),
      resourceIds: [
        ...new Set(
          config.apis.flatMap((api) =>
            api.token === "user" && api.resource ? [resourceId(api.resource)] : [],
          ),
        ),
      ],
    });
    const login = new LoginService({
      kv: app.kv,
      idp,
      redirectUri: config.redirectUri,
      sessionAbsoluteMs: config.sessionAbsoluteMs,
      preLoginMax: config.preLoginMax,
      metadata: loadedMetadata,
      msal,
      verifier: async () => {
        verifier ??= createIdTokenVerifier((await loadedMetadata()).jwks_uri, config.idpTimeoutMs);
        return verifier;
      },
      tokens,
      log,
    });

    app.decorate("auth", {
      metadata,
      login,
      tokens,
      msal,
      async logoutUrl(loginHint?: string) {
        const loaded = await loadedMetadata();
        const endpoint =
          loaded.end_session_endpoint ?? `${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/logout`;
        const url = new URL(endpoint);
        // client_id lets Entra match post_logout_redirect_uri to this app's registration.
        url.searchParams.set("client_id", idp.clientId);
        url.searchParams.set("post_logout_redirect_uri", config.postLogoutRedirectUri);
        if (loginHint) url.searchParams.set("logout_hint", loginHint);
        return url.toString();
      },
    });
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
  { name: "auth", dependencies: ["kv", "metrics"] },
);
