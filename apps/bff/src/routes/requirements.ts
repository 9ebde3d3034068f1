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
    // One synchronous hook for all three (every guarded request runs it); async only for `requires`.
    app.addHook("onRequest", (request, reply, done) => {
      const { csrf, session, requires } = request.routeOptions.config;
      if (
        csrf === "same-origin"
          ? !isSameOriginRequest(request, appOrigin)
          : csrf && !passesCsrfCheck(request, appOrigin)
      ) {
        done(new CsrfRejectedError());
        return;
      }
      if (session === "required" && !app.sessions.current(request)) {
        done(new SignInRequiredError());
        return;
      }
      if (!requires) {
        done();
        return;
      }
      enforceRequirements(app, request, reply, requires).then(() => done(), done);
    });
  },
  { name: "route-requirements", dependencies: ["session"] },
);
