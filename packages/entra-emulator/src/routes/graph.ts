import { createHash, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JWTPayload } from "jose";
import type { DemoUser } from "../config-types.js";
import { GraphError, renderGraphError } from "../errors.js";
import { PHOTO_SIZE, userPhoto } from "../photo.js";
import type { EmulatorState } from "../state.js";
import { pairwiseSub } from "../tokens.js";
import { registerMemberRoutes } from "./graph-members.js";
import { applyFault, authenticate, forbidden, GRAPH_JSON, readAccess } from "./graph-support.js";
import { registerUserRoutes, selectFields, userBody } from "./graph-users.js";

/** The v1.0 paths the emulator serves ("*" = any one segment), to name the first unknown one. */
const GRAPH_TREE: Tree = {
  me: { photo: { $value: {} }, getMemberGroups: {}, getMemberObjects: {}, transitiveMemberOf: {} },
  users: { "*": {} },
};
interface Tree {
  [segment: string]: Tree;
}

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Graph's answer to a path it does not serve: 400 naming the first unknown segment; for a served
 * path, 405 (another method) or 404 (a GET the router refused, e.g. an over-long user id).
 */
function unknownPath(method: string, path: string): GraphError {
  const segments = path.split("?")[0]?.split("/").filter(Boolean).slice(1) ?? [];
  if (segments.length === 0) return new GraphError(400, "BadRequest", "Invalid request.");
  let node: Tree = GRAPH_TREE;
  let last = "";
  for (const raw of segments) {
    last = safeDecode(raw);
    const next = Object.hasOwn(node, last) ? node[last] : node["*"];
    if (!next) return new GraphError(400, "BadRequest", `Resource not found for the segment '${last}'.`);
    node = next;
  }
  if (method === "GET") {
    return new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${last}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return new GraphError(
    405,
    "Request_BadRequest",
    "Specified HTTP method is not allowed for the request target.",
  );
}

/** /me needs a delegated token with a User.Read-class permission; returns the signed-in user. */
function meUser(state: EmulatorState, payload: JWTPayload): DemoUser {
  const access = readAccess(payload);
  if (!access.delegated) {
    throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  if (!access.self) throw forbidden();
  const user = typeof payload.oid === "string" ? state.findUser(payload.oid) : undefined;
  if (!user) {
    throw new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${String(payload.oid)}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return user;
}

function photoEtag(user: DemoUser): string {
  return createHash("sha1").update(userPhoto(user.id)).digest("hex").slice(0, 8).toUpperCase();
}

/** Graph `/v1.0/me`, `/v1.0/me/photo`, `/v1.0/me/photo/$value`, and the OIDC `/oidc/userinfo`. */
export function registerGraphRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.addHook("onRequest", async (request, reply) => {
    const clientRequestId = request.headers["client-request-id"];
    const requestId = randomUUID();
    reply.header("request-id", requestId);
    reply.header("client-request-id", typeof clientRequestId === "string" ? clientRequestId : requestId);
  });
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    const err =
      error instanceof GraphError
        ? error
        : status >= 400 && status < 500
          ? new GraphError(400, "BadRequest", "Unable to read JSON request payload.")
          : new GraphError(500, "generalException", "An unexpected error occurred.");
    if (!(error instanceof GraphError) && err.status >= 500) {
      request.log.error({ err: error }, "unexpected graph emulator error");
    }
    const requestId = String(reply.getHeader("request-id") ?? randomUUID());
    const clientRequestId = String(reply.getHeader("client-request-id") ?? requestId);
    reply.code(err.status).headers(err.headers).type(GRAPH_JSON);
    return reply.send(renderGraphError(err, state.nowDate(), requestId, clientRequestId));
  });

  app.get<{ Querystring: { $select?: string } }>("/v1.0/me", async (request, reply) => {
    const user = meUser(state, await authenticate(state, request));
    await applyFault(state);
    const select = request.query.$select;
    return reply
      .type(GRAPH_JSON)
      .send(userBody(state, user, selectFields(typeof select === "string" ? select : undefined)));
  });

  const photoOf = async (request: FastifyRequest) => {
    const user = meUser(state, await authenticate(state, request));
    await applyFault(state);
    if (!user.hasPhoto) {
      throw new GraphError(
        404,
        "ImageNotFound",
        "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.",
      );
    }
    return user;
  };

  app.get("/v1.0/me/photo", async (request, reply) => {
    const user = await photoOf(request);
    return reply.type(GRAPH_JSON).send({
      "@odata.context": `${state.baseUrl}/v1.0/$metadata#users('${user.id}')/photo/$entity`,
      "@odata.id": `${state.baseUrl}/v1.0/users('${user.id}')/photo`,
      "@odata.mediaContentType": "image/png",
      "@odata.mediaEtag": `"${photoEtag(user)}"`,
      id: `${PHOTO_SIZE}x${PHOTO_SIZE}`,
      width: PHOTO_SIZE,
      height: PHOTO_SIZE,
    });
  });

  const photoValue = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await photoOf(request);
    return reply
      .type("image/png")
      .header("etag", `"${photoEtag(user)}"`)
      .send(userPhoto(user.id));
  };
  // `/photo/%24value` is rewritten to this path in app.ts (the router does not decode `%24`).
  app.get("/v1.0/me/photo/$value", photoValue);

  registerUserRoutes(app, state);
  registerMemberRoutes(app, state);
  // Everything else under /v1.0 answers in Graph's error shape, after Graph's token check.
  const unserved = async (request: FastifyRequest) => {
    await authenticate(state, request);
    throw unknownPath(request.method, request.url);
  };
  app.all("/v1.0", unserved);
  app.all("/v1.0/*", unserved);

  app.get("/oidc/userinfo", async (request) => {
    const payload = await authenticate(state, request);
    const user = typeof payload.oid === "string" ? state.findUser(payload.oid) : undefined;
    if (!user || typeof payload.scp !== "string" || !payload.scp.split(" ").includes("openid")) {
      throw new GraphError(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
    }
    return {
      // The same pairwise subject as the ID token the app received (OIDC Core 5.3.2).
      sub: pairwiseSub(user.id, String(payload.appid)),
      name: user.displayName,
      family_name: user.surname,
      given_name: user.givenName,
      picture: `${state.baseUrl}/v1.0/me/photo/$value`,
      email: user.mail,
    };
  });
}
