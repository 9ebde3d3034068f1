import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SignJWT } from "jose";
import { TOKEN_EXCHANGE_AUDIENCE } from "../config-client.js";
import type { ManagedIdentity } from "../config-types.js";
import { type EmulatorState, opaque } from "../state.js";

/**
 * Managed identity endpoints, as Azure serves them to a workload: IMDS
 * (`/metadata/identity/oauth2/token`, header `Metadata: true`; MSAL reaches it on loopback through
 * AZURE_POD_IDENTITY_AUTHORITY_HOST) and App Service (`/msi/token`, header `X-IDENTITY-HEADER`;
 * MSAL reads IDENTITY_ENDPOINT / IDENTITY_HEADER). Tokens are for `api://AzureADTokenExchange`
 * only: a federated credential of an app trusts them as its client assertion.
 */

type Query = Record<string, unknown>;
export const APP_SERVICE_PATH = "/msi/token";
export const IMDS_PATH = "/metadata/identity/oauth2/token";

class MsiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

function param(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function pickIdentity(state: EmulatorState, query: Query, names: { object: string; resource: string }) {
  const identities = state.config.managedIdentities ?? [];
  const clientId = param(query, "client_id")?.toLowerCase();
  const objectId = param(query, names.object)?.toLowerCase();
  if (param(query, names.resource)) {
    throw new MsiError(
      400,
      "invalid_request",
      "The emulator selects identities by client_id or object id only.",
    );
  }
  const identity =
    clientId !== undefined
      ? identities.find((mi) => mi.clientId === clientId)
      : objectId !== undefined
        ? identities.find((mi) => mi.principalId === objectId)
        : identities.find((mi) => mi.type === "SystemAssigned");
  if (!identity) throw new MsiError(400, "invalid_request", "Identity not found");
  return identity;
}

function checkRequest(query: Query): void {
  if (!param(query, "api-version")) {
    throw new MsiError(400, "invalid_request", "Required query variable 'api-version' is missing");
  }
  const resource = param(query, "resource");
  if (!resource) throw new MsiError(400, "invalid_request", "Required query variable 'resource' is missing");
  if (resource.replace(/\/\.default$/, "") !== TOKEN_EXCHANGE_AUDIENCE) {
    throw new MsiError(
      400,
      "invalid_resource",
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant. The emulator's managed identities issue tokens for ${TOKEN_EXCHANGE_AUDIENCE} only.`,
    );
  }
}

/** A v2.0 app token of the managed identity, signed with the home tenant's key. */
async function identityToken(state: EmulatorState, identity: ManagedIdentity) {
  const now = state.now();
  const exp = now + state.lifetimes.accessTokenSeconds;
  const key = state.keys.current;
  const token = await new SignJWT({
    aud: TOKEN_EXCHANGE_AUDIENCE,
    iss: state.issuer,
    iat: now,
    nbf: now,
    exp,
    aio: opaque(40),
    azp: identity.clientId,
    azpacr: "2",
    idtyp: "app",
    oid: identity.principalId,
    rh: `0.${opaque(40)}.`,
    sub: identity.principalId,
    tid: state.tenantId,
    uti: opaque(16).slice(0, 22),
    ver: "2.0",
  })
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid })
    .sign(key.privateKey);
  return { token, now, exp };
}

function sendError(reply: FastifyReply, err: unknown) {
  if (!(err instanceof MsiError)) throw err;
  return reply.code(err.status).send({ error: err.error, error_description: err.message });
}

export function registerManagedIdentityRoutes(app: FastifyInstance, state: EmulatorState): void {
  const imds = async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    try {
      if (request.headers.metadata !== "true") {
        throw new MsiError(400, "invalid_request", "Required metadata header not specified");
      }
      checkRequest(request.query);
      const identity = pickIdentity(state, request.query, { object: "object_id", resource: "msi_res_id" });
      const { token, now, exp } = await identityToken(state, identity);
      const lifetime = String(exp - now);
      return reply.header("cache-control", "no-store").send({
        access_token: token,
        client_id: identity.clientId,
        expires_in: lifetime,
        expires_on: String(exp),
        ext_expires_in: lifetime,
        not_before: String(now),
        resource: TOKEN_EXCHANGE_AUDIENCE,
        token_type: "Bearer",
      });
    } catch (err) {
      return sendError(reply, err);
    }
  };
  // MSAL Node asks with a trailing slash (it normalises the URL); IMDS answers both.
  app.get(IMDS_PATH, imds);
  app.get(`${IMDS_PATH}/`, imds);

  app.get<{ Querystring: Query }>(APP_SERVICE_PATH, async (request, reply) => {
    try {
      if (request.headers["x-identity-header"] !== state.identityHeader) {
        throw new MsiError(401, "unauthorized", "The X-IDENTITY-HEADER header is missing or wrong.");
      }
      checkRequest(request.query);
      const identity = pickIdentity(state, request.query, { object: "principal_id", resource: "mi_res_id" });
      const { token, exp } = await identityToken(state, identity);
      return reply.header("cache-control", "no-store").send({
        access_token: token,
        expires_on: String(exp),
        resource: TOKEN_EXCHANGE_AUDIENCE,
        token_type: "Bearer",
        client_id: identity.clientId,
      });
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
