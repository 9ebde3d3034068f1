import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, ReauthRequiredError } from "../errors.js";
import type { Authorization } from "./claims.js";
import { ForbiddenError, meetsRequirements, type Requirements } from "./requirements.js";

/**
 * The session's roles and groups, fresh as of its access token: a token that is due is refreshed
 * first (its ID token's roles replace the old ones), so a removed role stops working within one
 * access-token lifetime without a new sign-in. A dead refresh token ends the session (401).
 */
export async function currentAuthorization(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Authorization> {
  const auth = app.sessions.current(request);
  if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
  try {
    await app.auth.tokens.getAccessToken(auth);
  } catch (error) {
    if (!(error instanceof ReauthRequiredError)) throw error;
    await app.sessions.end(
      request,
      reply,
      "reauth_required",
      error.aadsts === undefined ? {} : { aadsts: error.aadsts },
    );
    throw new ReauthRequiredError("Your sign-in has expired; sign in again.", { cause: error });
  }
  return app.auth.authorization.current(auth);
}

/**
 * Throws ForbiddenError (403 forbidden) unless the signed-in user meets `requires`. The one check
 * behind route config `requires` and BFF_APIS entries' `"requires"`.
 */
export async function enforceRequirements(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  requires: Requirements | undefined,
): Promise<void> {
  if (!requires) return;
  const authz = await currentAuthorization(app, request, reply);
  if (!meetsRequirements(authz, requires)) {
    request.log.info({ event: "authz.forbidden", oid: app.sessions.current(request)?.user.oid }, "forbidden");
    throw new ForbiddenError();
  }
}

/** A preHandler hook that enforces each route's `config.requires`. */
export function requirementsHook(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    enforceRequirements(app, request, reply, request.routeOptions.config.requires);
}
