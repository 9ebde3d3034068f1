import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

const Ready = Type.Object({ status: Type.Literal("ready") });
const NotReady = Type.Object({
  status: Type.Literal("not_ready"),
  checks: Type.Object({ store: Type.Boolean(), idpMetadata: Type.Boolean() }),
});

/** `GET /healthz` (the process is alive) and `GET /readyz` (store reachable, IdP metadata loaded). */
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
    if (store && idpMetadata) return { status: "ready" as const };
    return reply.code(503).send({ status: "not_ready" as const, checks: { store, idpMetadata } });
  });
};
