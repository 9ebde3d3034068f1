import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyPluginAsync } from "fastify";
import { declaredApiRoutes } from "../../apis/api-routes.js";
import type { AppConfig } from "../../config.js";
import { AppError } from "../../errors.js";
import type { RouteRequirements } from "../requirements.js";
import { meRoutes } from "./me.js";
import { sessionRoute } from "./session.js";
import { sessionEventsRoutes } from "./session-events.js";
import { sessionsRoutes } from "./sessions.js";

export interface ApiRoutesOptions {
  /** Whether the IdP is the built-in emulator (GET /api/session says so). */
  emulator: boolean;
  /** The idle timeout, for the SPA's warning (GET /api/session/state). */
  sessionIdleMs: number;
  /** Extra routes (BuildAppOptions.apiPlugins), under the same requirements. */
  plugins?: FastifyPluginAsync[];
  /** The config whose declared APIs (BFF_APIS) are served under their prefixes. */
  config?: AppConfig;
}

/** What every /api route needs at least: the CSRF proof and a stated session requirement. */
const API_BASELINE: RouteRequirements = { csrf: true, session: "required" };

/**
 * Everything under /api: JSON only, never a redirect. Each route declares `config.csrf` and
 * `config.session` (403 csrf_rejected, then 401 unauthenticated; routes/requirements.ts enforces
 * them); a route that forgets to is refused at startup.
 */
export const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (
  app,
  { emulator, sessionIdleMs, plugins = [], config },
) => {
  app.addHook("onRoute", (route) => {
    const csrf = route.config?.csrf;
    if ((csrf !== true && csrf !== "same-origin") || route.config?.session === undefined) {
      throw new Error(`${route.method} ${route.url} must declare config.csrf and config.session`);
    }
  });
  // Unknown paths and methods (`/api/me/..%2fusers`, `DELETE /api/me`) answer JSON in the API's own
  // shape, after the same CSRF and session checks, and never reach Graph or the SPA fallback.
  app.setNotFoundHandler(notFoundOptions(API_BASELINE), async () => {
    throw new AppError("not_found", 404, "No such API route.");
  });
  await app.register(sessionRoute, { emulator });
  await app.register(meRoutes);
  await app.register(sessionsRoutes);
  await app.register(sessionEventsRoutes, { sessionIdleMs });
  for (const plugin of plugins) await app.register(plugin);
  if (config) await app.register(declaredApiRoutes, { config });
};

/**
 * Fastify keeps a not-found handler's `config` like a route's (its types only list the hooks),
 * so the requirement hooks read the same declaration for unknown /api URLs.
 */
function notFoundOptions(config: RouteRequirements): { preHandler?: never } {
  return { config } as { preHandler?: never };
}
