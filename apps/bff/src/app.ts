import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { spaPlugin } from "./spa.js";

/** Builds the BFF from a typed config, without listening (tests use `inject`). */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: config.logLevel } });
  app.get("/healthz", async () => ({ status: "ok" }));
  await app.register(spaPlugin, { distDir: config.webDistDir });
  return app;
}
