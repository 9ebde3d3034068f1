import type { FastifyInstance } from "fastify";
import { WORKLOAD_ISSUER_PATH, workloadIssuer } from "../federated.js";
import type { EmulatorState } from "../state.js";

/** `/{tenant}/discovery/v2.0/keys`: the JWKS (active key plus any key in its grace period). */
export function registerKeysRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Params: { tenant: string } }>("/:tenant/discovery/v2.0/keys", async (request, reply) => {
    const { tenant } = state.resolveTenant(request.params.tenant);
    reply.header("cache-control", "max-age=86400, private");
    // Every tenant shares the keys; each key names the issuer (templated for the aliases).
    return state.keys.jwks(state.issuerFor(tenant?.id ?? "{tenantid}"));
  });

  // The built-in external issuer (a stand-in for a Kubernetes cluster's service-account issuer).
  app.get(`${WORKLOAD_ISSUER_PATH}/.well-known/openid-configuration`, async () => ({
    issuer: workloadIssuer(state),
    jwks_uri: `${workloadIssuer(state)}/keys`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  }));
  app.get(`${WORKLOAD_ISSUER_PATH}/keys`, async () => ({
    keys: state.workloadKeys.published.map((key) => key.publicJwk),
  }));
}
