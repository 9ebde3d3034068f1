import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

const Ready = Type.Object({ status: Type.Literal("ready") });
const NotReady = Type.Object({
  status: Type.Literal("not_ready"),
  checks: Type.Object({ store: Type.Boolean(), idpMetadata: Type.Boolean(), draining: Type.Boolean() }),
});

/**
 * `GET /healthz` (the process is alive) and `GET /readyz` (store reachable, IdP metadata loaded,
 * not shutting down: a draining instance fails readiness first so load balancers stop using it).
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/healthz",
    { schema: { response: { 200: Type.Object({ status: Type.Literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );
  app.get("/readyz", { schema: { response: { 200: Ready, 503: NotReady } } }, async (_request, reply) => {
    const store = await app.kv.ping().then(
      () => true,
      () => false,
    );
    const idpMetadata = app.auth.metadata.current !== undefined;
    const draining = app.lifecycle.draining;
    if (store && idpMetadata && !draining) return { status: "ready" as const };
    return reply.code(503).send({ status: "not_ready" as const, checks: { store, idpMetadata, draining } });
  });
};
