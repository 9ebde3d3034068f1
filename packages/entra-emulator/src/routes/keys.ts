import type { FastifyInstance } from "fastify";
import type { EmulatorState } from "../state.js";

/** `/{tenant}/discovery/v2.0/keys`: the JWKS (active key plus any key in its grace period). */
export function registerKeysRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Params: { tenant: string } }>("/:tenant/discovery/v2.0/keys", async (request, reply) => {
    const { tenant } = state.resolveTenant(request.params.tenant);
    reply.header("cache-control", "max-age=86400, private");
    // Every tenant shares the keys; each key names the issuer (templated for the aliases).
    return state.keys.jwks(state.issuerFor(tenant?.id ?? "{tenantid}"));
  });
}
