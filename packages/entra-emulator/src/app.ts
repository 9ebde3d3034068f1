import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Controls } from "./control.js";
import { correlationIdOf } from "./correlation.js";
import { AadError, renderAadError } from "./errors.js";
import { errorPage } from "./html.js";
import { registerAuthorizeRoutes } from "./routes/authorize.js";
import { registerControlRoutes } from "./routes/control.js";
import { registerDiscoveryRoutes } from "./routes/discovery.js";
import { registerGraphRoutes } from "./routes/graph.js";
import { registerKeysRoutes } from "./routes/keys.js";
import { registerLogoutRoutes } from "./routes/logout.js";
import { registerManagedIdentityRoutes } from "./routes/managed-identity.js";
import { registerTokenRoutes } from "./routes/token.js";
import type { EmulatorState } from "./state.js";

declare module "fastify" {
  interface FastifyRequest {
    /** What the request log records beyond method/path/status (never secrets). */
    emulatorLog: { grantType?: string; clientId?: string };
  }
}

export interface BuildAppOptions {
  logger: boolean;
  controlApi: boolean;
  /** Serve TLS with this key and certificate chain (PEM); plain HTTP without. */
  https?: { key: string; cert: string };
}

/** Sends an AADSTS error as Entra does: JSON (token endpoint) or its own HTML error page. */
export function sendAadError(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  err: AadError,
) {
  const correlationId = correlationIdOf(request);
  if (err.delivery === "page") {
    const { html, csp } = errorPage(err, state.nowDate(), correlationId);
    return reply
      .code(err.status)
      .header("content-security-policy", csp)
      .type("text/html; charset=utf-8")
      .send(html);
  }
  return reply
    .code(err.status)
    .header("cache-control", "no-store")
    .type("application/json; charset=utf-8")
    .send(renderAadError(err, state.nowDate(), correlationId));
}

/** Builds the emulator's Fastify app: identity endpoints, Graph, and (optionally) the control API. */
export function buildApp(state: EmulatorState, options: BuildAppOptions): FastifyInstance {
  // The https server is a drop-in for the http one as far as routes go: one instance type for both.
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    logger: options.logger
      ? {
          // Never log query strings (codes, states) or headers (secrets, cookies): method and path only.
          serializers: { req: (req) => ({ method: req.method, url: (req.url ?? "").split("?")[0] }) },
        }
      : false,
    // Graph clients send `$value` both literally and percent-encoded; the router only matches `$`.
    rewriteUrl: (req) => (req.url ?? "/").replace(/\/%24value(?=$|\?)/i, "/$value"),
  }) as unknown as FastifyInstance;
  app.register(formbody);
  app.decorateRequest("emulatorLog", null as unknown as { grantType?: string; clientId?: string });
  app.addHook("onRequest", async (request) => {
    request.emulatorLog = {};
  });
  app.addHook("onResponse", async (request, reply) => {
    const path = request.url.split("?")[0] ?? request.url;
    if (path.startsWith("/_emulator")) return;
    state.log.push({
      time: state.nowDate().toISOString(),
      method: request.method,
      path,
      ...request.emulatorLog,
      status: reply.statusCode,
    });
    if (state.log.length > 10_000) state.log.splice(0, state.log.length - 10_000);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AadError) return sendAadError(state, request, reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendAadError(
        state,
        request,
        reply,
        new AadError("invalid_request", 9002313, "Invalid request. Request is malformed or invalid."),
      );
    }
    request.log.error({ err: error }, "unexpected emulator error");
    return sendAadError(
      state,
      request,
      reply,
      new AadError(
        "server_error",
        50000,
        "There was an error issuing a token or an issue with our sign-in service.",
        {
          status: 500,
        },
      ),
    );
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type("application/json; charset=utf-8")
      .send({ error: "not_found", path: request.url.split("?")[0] });
  });

  registerDiscoveryRoutes(app, state);
  registerKeysRoutes(app, state);
  registerAuthorizeRoutes(app, state);
  registerTokenRoutes(app, state);
  registerLogoutRoutes(app, state);
  registerManagedIdentityRoutes(app, state);
  app.register(async (graph) => registerGraphRoutes(graph, state));
  if (options.controlApi)
    app.register(async (control) => registerControlRoutes(control, new Controls(state), () => state.baseUrl));
  return app;
}
