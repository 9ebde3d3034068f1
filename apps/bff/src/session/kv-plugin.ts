import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { KeyValueStore } from "./kv-store.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Every piece of server-side state: sessions, pre-login records, token caches, locks. */
    kv: KeyValueStore;
  }
}

export interface KvPluginOptions {
  store: KeyValueStore;
}

/** Decorates `kv` with the chosen store and closes it with the app. */
export const kvPlugin = fp<KvPluginOptions>(
  async (app: FastifyInstance, { store }) => {
    app.decorate("kv", store);
    app.addHook("onClose", async () => store.close());
  },
  { name: "kv" },
);
