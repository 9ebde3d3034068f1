import type { FastifyInstance } from "fastify";
import type { LogoutTokenOptions } from "../backchannel.js";
import { ControlInputError, type Controls } from "../control.js";
import type { GrantType, GraphFault, HostileIdTokenKind } from "../state.js";
import { controlGuard } from "./control-guard.js";

type Body = Record<string, unknown>;

function bodyOf(raw: unknown): Body {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ControlInputError("expected a JSON object body");
  }
  return raw as Body;
}

/** The `/_emulator/*` HTTP mirror of the control API (for browser tests and other processes). */
export function registerControlRoutes(app: FastifyInstance, controls: Controls, ownUrl: () => string): void {
  app.addHook("onRequest", controlGuard(ownUrl));
  app.setErrorHandler((error, _request, reply) => {
    const status =
      error instanceof ControlInputError ? 400 : ((error as { statusCode?: number }).statusCode ?? 500);
    const message = status < 500 && error instanceof Error ? error.message : "unexpected error";
    return reply.code(status).send({ error: status < 500 ? "invalid_request" : "server_error", message });
  });
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, text, done) => {
    try {
      done(null, text === "" ? {} : JSON.parse(text as string));
    } catch {
      done(new ControlInputError("body is not valid JSON"), undefined);
    }
  });

  app.post("/_emulator/errors", async (request, reply) => {
    const body = bodyOf(request.body);
    controls.queueError(body.endpoint as "authorize" | "token", Number(body.aadsts), {
      error: body.error as string | undefined,
      description: body.description as string | undefined,
      grantType: body.grantType as GrantType | undefined,
      suberror: body.suberror as string | undefined,
      claims: body.claims as string | undefined,
    });
    return reply.code(204).send();
  });
  app.post("/_emulator/graph-fault", async (request, reply) => {
    const fault = request.body === null ? null : (bodyOf(request.body) as unknown as GraphFault);
    controls.graphFault(fault);
    return reply.code(204).send();
  });
  app.post("/_emulator/revoke", async (request, reply) => {
    const body = bodyOf(request.body);
    if (typeof body.user !== "string") throw new ControlInputError("user must be a user id or UPN");
    controls.revokeRefreshTokens(body.user);
    return reply.code(204).send();
  });
  app.post("/_emulator/consent", async (request, reply) => {
    const body = bodyOf(request.body);
    if (typeof body.user !== "string") throw new ControlInputError("user must be a user id or UPN");
    if (body.clientId !== undefined && typeof body.clientId !== "string") {
      throw new ControlInputError("clientId must be a string");
    }
    controls.setUserConsent(body.user, body.scopes as string[], body.clientId);
    return reply.code(204).send();
  });
  app.post("/_emulator/roles", async (request, reply) => {
    const body = bodyOf(request.body);
    if (typeof body.user !== "string") throw new ControlInputError("user must be a user id or UPN");
    if (body.clientId !== undefined && typeof body.clientId !== "string") {
      throw new ControlInputError("clientId must be a string");
    }
    controls.setUserRoles(body.user, body.roles as string[], body.clientId);
    return reply.code(204).send();
  });
  app.post("/_emulator/workload-assertion", async (request) => {
    const body = request.body === undefined ? {} : bodyOf(request.body);
    return { assertion: await controls.mintWorkloadAssertion(body) };
  });
  app.post("/_emulator/logout-token", async (request) => {
    return { logoutToken: await controls.logoutToken(bodyOf(request.body) as LogoutTokenOptions) };
  });
  app.post("/_emulator/backchannel-logout", async (request) => {
    const { url, ...options } = bodyOf(request.body);
    if (typeof url !== "string") throw new ControlInputError("url must be an http(s) URL");
    return controls.sendBackchannelLogout(url, options as LogoutTokenOptions & { logoutToken?: string });
  });
  app.post("/_emulator/lifetimes", async (request, reply) => {
    controls.setTokenLifetimes(bodyOf(request.body));
    return reply.code(204).send();
  });
  app.post("/_emulator/clock", async (request, reply) => {
    const body = bodyOf(request.body);
    controls.advanceClock(Number(body.seconds));
    return reply.code(204).send();
  });
  app.post("/_emulator/rotate-keys", async (request, reply) => {
    const body = request.body === undefined ? {} : bodyOf(request.body);
    controls.rotateKeys({ keepOld: body.keepOld !== false });
    return reply.code(204).send();
  });
  app.post("/_emulator/hostile-id-token", async (request, reply) => {
    const body = bodyOf(request.body);
    controls.issueHostileIdToken(body.kind as HostileIdTokenKind);
    return reply.code(204).send();
  });
  app.get<{ Querystring: { path?: string; grantType?: string } }>("/_emulator/requests", async (request) => {
    const filter: { path?: string; grantType?: string } = {};
    if (request.query.path) filter.path = request.query.path;
    if (request.query.grantType) filter.grantType = request.query.grantType;
    return controls.requests(filter);
  });
  app.post("/_emulator/reset", async (_request, reply) => {
    controls.reset();
    return reply.code(204).send();
  });
}
