import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { passesCsrfCheck } from "../auth/csrf.js";
import { CsrfRejectedError, SignInRequiredError } from "../errors.js";

/**
 * What a route needs before its handler runs, declared in its `config` and enforced here, one
 * hook per requirement (the model: fastify/demo, Duende BFF's endpoint metadata). A future
 * requirement (`requires: { roles, groups }`) is one more field and one more hook.
 */
export interface RouteRequirements {
  /** The request must pass the CSRF check (`X-CSRF: 1`, same-origin Fetch Metadata/Origin). */
  csrf?: boolean;
  /** "required": 401 unauthenticated without a live session; "optional": the handler decides. */
  session?: "required" | "optional";
}

declare module "fastify" {
  interface FastifyContextConfig extends RouteRequirements {}
}

export interface RequirementsPluginOptions {
  /** The app's own origin (PUBLIC_URL's), the only Origin a guarded request may come from. */
  appOrigin: string;
}

/**
 * Enforces `config.csrf` and `config.session` for every route of the scope it is registered in
 * (after the session plugin, whose hooks have ended expired sessions by then). The CSRF check
 * comes first: a forged request learns nothing, not even whether a session exists.
 */
export const requirementsPlugin = fp<RequirementsPluginOptions>(
  async (app: FastifyInstance, { appOrigin }) => {
    app.addHook("onRequest", async (request) => {
      if (request.routeOptions.config.csrf && !passesCsrfCheck(request, appOrigin)) {
        throw new CsrfRejectedError();
      }
    });
    app.addHook("onRequest", async (request) => {
      if (request.routeOptions.config.session === "required" && !app.sessions.current(request)) {
        throw new SignInRequiredError();
      }
    });
  },
  { name: "route-requirements", dependencies: ["session"] },
);
