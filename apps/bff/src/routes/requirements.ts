import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isSameOriginRequest, passesCsrfCheck } from "../auth/csrf.js";
import type { Requirements } from "../authz/requirements.js";
import { enforceRequirements } from "../authz/requirements-hook.js";
import { CsrfRejectedError, SignInRequiredError } from "../errors.js";

/**
 * What a route needs before its handler runs, declared in its `config` and enforced here, one
 * hook per requirement (the model: fastify/demo, Duende BFF's endpoint metadata).
 */
export interface RouteRequirements {
  /**
   * The request must pass the CSRF check (`X-CSRF: 1`, same-origin Fetch Metadata/Origin), or,
   * "same-origin" for a read-only route a browser opens without custom headers (EventSource),
   * a same-origin Sec-Fetch-Site or Origin.
   */
  csrf?: boolean | "same-origin";
  /** "required": 401 unauthenticated without a live session; "optional": the handler decides. */
  session?: "required" | "optional";
  /** App roles or groups the signed-in user needs (403 forbidden otherwise; authz/requirements.ts). */
  requires?: Requirements;
}

declare module "fastify" {
  interface FastifyContextConfig extends RouteRequirements {}
}

export interface RequirementsPluginOptions {
  /** The app's own origin (PUBLIC_URL's), the only Origin a guarded request may come from. */
  appOrigin: string;
}

/**
 * Enforces `config.csrf`, `config.session` and `config.requires` for every route of the scope it is registered in
 * (after the session plugin, whose hooks have ended expired sessions by then). The CSRF check
 * comes first: a forged request learns nothing, not even whether a session exists.
 */
export const requirementsPlugin = fp<RequirementsPluginOptions>(
  async (app: FastifyInstance, { appOrigin }) => {
    app.addHook("onRequest", async (request) => {
      const csrf = request.routeOptions.config.csrf;
      if (
        csrf === "same-origin"
          ? !isSameOriginRequest(request, appOrigin)
          : csrf && !passesCsrfCheck(request, appOrigin)
      ) {
        throw new CsrfRejectedError();
      }
    });
    app.addHook("onRequest", async (request) => {
      if (request.routeOptions.config.session === "required" && !app.sessions.current(request)) {
        throw new SignInRequiredError();
      }
    });
    app.addHook("onRequest", async (request, reply) => {
      const requires = request.routeOptions.config.requires;
      if (requires) await enforceRequirements(app, request, reply, requires);
    });
  },
  { name: "route-requirements", dependencies: ["session"] },
);
