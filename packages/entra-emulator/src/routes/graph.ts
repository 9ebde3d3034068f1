import { createHash, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import type { DemoUser } from "../config.js";
import { GraphError, renderGraphError } from "../errors.js";
import { PHOTO_SIZE, userPhoto } from "../photo.js";
import { GRAPH_APP_ID, GRAPH_RESOURCE } from "../scopes.js";
import type { EmulatorState } from "../state.js";
import { pairwiseSub } from "../tokens.js";

const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;
const READ_SELF_SCOPES = [
  "User.Read",
  "User.ReadWrite",
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
];
const WWW_AUTHENTICATE = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;

function unauthorized(message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, { "www-authenticate": WWW_AUTHENTICATE });
}

/** Validates the bearer token as Graph does: signature (tenant keys), lifetime, audience, tenant. */
async function authenticate(state: EmulatorState, request: FastifyRequest): Promise<JWTPayload> {
  const header = request.headers.authorization ?? "";
  const token = header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : "";
  if (!token) throw unauthorized("Access token is empty.");
  if (token.split(".").length !== 3)
    throw unauthorized("IDX14100: JWT is not well formed, there are no dots (.).");
  let kid: string | undefined;
  try {
    const protectedHeader = decodeProtectedHeader(token);
    if (protectedHeader.alg !== "RS256") throw new Error("alg");
    kid = protectedHeader.kid;
  } catch {
    throw unauthorized("Access token validation failure. Invalid signature.");
  }
  const key = kid ? state.keys.find(kid) : undefined;
  if (!key) throw unauthorized("Access token validation failure. Invalid signature.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ["RS256"],
      currentDate: state.nowDate(),
    }));
  } catch (err) {
    if (
      err instanceof joseErrors.JWTExpired ||
      (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf")
    ) {
      throw unauthorized("Access token has expired or is not yet valid.");
    }
    throw unauthorized("Access token validation failure. Invalid signature.");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((a) => a === GRAPH_APP_ID || a === GRAPH_RESOURCE || a === `${GRAPH_RESOURCE}/`)) {
    throw unauthorized("Access token validation failure. Invalid audience.");
  }
  if (payload.tid !== state.tenantId) throw unauthorized("Access token validation failure.");
  return payload;
}

/** /me needs a delegated token with a User.Read-class permission; returns the signed-in user. */
function meUser(state: EmulatorState, payload: JWTPayload): DemoUser {
  if (typeof payload.scp !== "string") {
    throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  const scp = payload.scp.split(" ");
  if (!READ_SELF_SCOPES.some((s) => scp.includes(s))) {
    throw new GraphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }
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

/** Applies a fault queued by a test (429/5xx or a delay), counting it down. */
async function applyFault(state: EmulatorState): Promise<void> {
  const fault = state.graphFault;
  if (!fault) return;
  fault.remaining--;
  if (fault.remaining <= 0) state.graphFault = null;
  if ("delayMs" in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    return;
  }
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  if (fault.status === 429)
    throw new GraphError(429, "TooManyRequests", "Please retry again later.", headers);
  if (fault.status === 503) throw new GraphError(503, "serviceNotAvailable", "Service unavailable", headers);
  throw new GraphError(500, "generalException", "An unexpected error occurred.", headers);
}

function selectProperties(state: EmulatorState, user: DemoUser, select: string | undefined) {
  const base = `${state.baseUrl}/v1.0/$metadata#users`;
  const fields = select
    ?.split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  if (!fields || fields.length === 0) {
    const body: Record<string, unknown> = { "@odata.context": `${base}/$entity` };
    for (const key of USER_PROPERTIES) body[key] = user[key];
    return body;
  }
  const body: Record<string, unknown> = { "@odata.context": `${base}(${fields.join(",")})/$entity` };
  for (const field of fields) {
    const known = USER_PROPERTIES.find((p) => p.toLowerCase() === field.toLowerCase());
    if (!known) {
      throw new GraphError(
        400,
        "BadRequest",
        `Could not find a property named '${field}' on type 'microsoft.graph.user'.`,
      );
    }
    body[known] = user[known];
  }
  return body;
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
    const err =
      error instanceof GraphError
        ? error
        : new GraphError(500, "generalException", "An unexpected error occurred.");
    if (!(error instanceof GraphError)) request.log.error({ err: error }, "unexpected graph emulator error");
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
      .send(selectProperties(state, user, typeof select === "string" ? select : undefined));
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
