import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { GraphClient } from "./graph-client.js";

declare module "fastify" {
  interface FastifyInstance {
    graph: GraphClient;
  }
}

export interface GraphPluginOptions {
  baseUrl: string;
  timeoutMs: number;
}

/** Decorates `graph`: the Microsoft Graph client (one keep-alive pool per app). */
export const graphPlugin = fp<GraphPluginOptions>(
  async (app: FastifyInstance, options) => {
    const graph = new GraphClient(options);
    app.decorate("graph", graph);
    app.addHook("onClose", async () => graph.close());
  },
  { name: "graph" },
);
