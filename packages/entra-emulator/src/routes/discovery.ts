import type { FastifyInstance } from "fastify";
import { AadError } from "../errors.js";
import type { EmulatorState, TenantScope } from "../state.js";

/**
 * The OpenID configuration document, with the fields (and order) Entra publishes: for one tenant,
 * or for `common` / `organizations` with the templated issuer `{base}/{tenantid}/v2.0`.
 */
export function openIdConfiguration(state: EmulatorState, scope: TenantScope) {
  const tenant = `${state.baseUrl}/${scope.tenant?.id ?? scope.segment}`;
  return {
    token_endpoint: `${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: state.issuerFor(scope.tenant?.id ?? "{tenantid}"),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${tenant}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${tenant}/kerberos`,
    code_challenge_methods_supported: ["S256"],
    tenant_region_scope: scope.tenant?.regionScope ?? null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(state.baseUrl).host,
    rbac_url: "https://pas.windows.net",
  };
}

/** `/{tenant}/v2.0/.well-known/openid-configuration` and `/common/discovery/instance`. */
export function registerDiscoveryRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Params: { tenant: string } }>(
    "/:tenant/v2.0/.well-known/openid-configuration",
    async (request) => {
      return openIdConfiguration(state, state.resolveTenant(request.params.tenant));
    },
  );

  app.get<{ Querystring: Record<string, unknown> }>("/common/discovery/instance", async (request) =>
    instanceDiscovery(state, request.query.authorization_endpoint),
  );
}

/** The emulator's own host and, on loopback, its other loopback name (same port). */
function knownHosts(state: EmulatorState): string[] {
  const { host, hostname, port } = new URL(state.baseUrl);
  const loopback = ["127.0.0.1", "localhost", "[::1]"];
  return loopback.includes(hostname) ? loopback.map((name) => `${name}:${port}`) : [host];
}

/**
 * Instance discovery as Entra answers it: metadata for a known host (here: the emulator's own), and
 * `invalid_instance` (AADSTS50049) for any other — which is what MSAL checks an authority against.
 */
function instanceDiscovery(state: EmulatorState, authorizationEndpoint: unknown) {
  if (typeof authorizationEndpoint !== "string" || authorizationEndpoint === "") {
    throw new AadError(
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'authorization_endpoint'.",
    );
  }
  const url = URL.canParse(authorizationEndpoint) ? new URL(authorizationEndpoint) : undefined;
  const aliases = knownHosts(state);
  // Only the host counts: MSAL sends an https authority even to a plain-http emulator.
  if (!url || !aliases.includes(url.host)) {
    throw new AadError("invalid_instance", 50049, "Unknown or invalid instance.");
  }
  const tenant = url.pathname.split("/")[1] || "common";
  const host = new URL(state.baseUrl).host;
  return {
    tenant_discovery_endpoint: `${state.baseUrl}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases }],
  };
}
