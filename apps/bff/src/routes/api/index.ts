import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { declaredApiRoutes } from "../../apis/api-routes.js";
import { passesCsrfCheck } from "../../auth/csrf.js";
import type { AppConfig } from "../../config.js";
import { meRoutes } from "./me.js";
import { sessionRoute } from "./session.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route answers without a session too (GET /api/session). */
    sessionOptional?: boolean;
  }
}

export interface ApiRoutesOptions {
  config: AppConfig;
}

/**
 * Everything under /api: one hook that requires `X-CSRF: 1` (403 csrf_rejected) and then a
 * session (401 unauthenticated). JSON only, never a redirect.
 */
export const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (app, { config }) => {
  const appOrigin = new URL(config.publicUrl).origin;
  app.addHook("onRequest", async (request, reply) => {
    if (!passesCsrfCheck(request, appOrigin)) {
      return reply.code(403).send({ code: "csrf_rejected", message: "Missing or invalid X-CSRF header." });
    }
    if (!request.routeOptions.config.sessionOptional && !app.sessions.current(request)) {
      return reply.code(401).send({ code: "unauthenticated", message: "Sign in first." });
    }
  });
  // Unknown paths and methods (`/api/me/..%2fusers`, `DELETE /api/me`) answer JSON in the API's own
  // shape, after the same CSRF and session checks, and never reach Graph or the SPA fallback.
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ code: "not_found", message: "No such API route." }),
  );
  await app.register(sessionRoute, { emulator: config.idp.emulator });
  await app.register(meRoutes, { secureCookies: config.secureCookies });
  await app.register(declaredApiRoutes, { config });
};
