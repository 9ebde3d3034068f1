import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Whether this instance is on its way out: readiness fails so load balancers stop sending traffic. */
export interface Lifecycle {
  readonly draining: boolean;
  /** From now on /readyz answers 503 and responses close their keep-alive connections. */
  drain(): void;
}

declare module "fastify" {
  interface FastifyInstance {
    lifecycle: Lifecycle;
  }
}

/** Decorates `lifecycle` (server.ts drains it on SIGTERM; see shutdown.ts). */
export const lifecyclePlugin = fp(
  async (app: FastifyInstance) => {
    let draining = false;
    app.decorate("lifecycle", {
      get draining() {
        return draining;
      },
      drain() {
        draining = true;
      },
    });
  },
  { name: "lifecycle" },
);
