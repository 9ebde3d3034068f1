import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SignInRequiredError } from "../errors.js";
import type { Authorization } from "./claims.js";
import { ForbiddenError, meetsRequirements, type Requirements } from "./requirements.js";

/**
 * The session's roles and groups, fresh as of its access token: a token that is due is refreshed
 * first (through withUserToken, so a dead refresh token ends the session: 401 reauth_required),
 * and the refreshed ID token's roles replace the old ones. A role removed in Entra thus stops
 * working within one access-token lifetime, without a new sign-in.
 */
export async function currentAuthorization(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Authorization> {
  const auth = app.sessions.current(request);
  if (!auth) throw new SignInRequiredError();
  await app.withUserToken(request, reply, async () => undefined);
  return app.auth.authorization.current(auth);
}

/**
 * Throws ForbiddenError (403 forbidden) unless the signed-in user meets `requires`: the one check
 * behind route config `requires` (routes/requirements.ts) and BFF_APIS entries' `"requires"`.
 */
export async function enforceRequirements(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  requires: Requirements,
): Promise<void> {
  const authz = await currentAuthorization(app, request, reply);
  if (!meetsRequirements(authz, requires)) {
    request.log.info({ event: "authz.forbidden", oid: app.sessions.current(request)?.user.oid }, "forbidden");
    throw new ForbiddenError();
  }
}
