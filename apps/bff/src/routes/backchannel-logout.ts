import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import {
  createLogoutTokenVerifier,
  LogoutTokenError,
  type LogoutTokenVerifier,
} from "../auth/logout-token.js";
import type { AppConfig } from "../config.js";
import { StoreUnavailableError } from "../session/kv-store.js";
import { digest } from "../user-sessions/digest.js";

/** The spec's limit is the IdP's; a logout token is a few hundred bytes to a couple of KB. */
const BODY_LIMIT_BYTES = 8 * 1024;

class BadLogoutRequest extends Error {}

/**
 * `POST /logout/backchannel` (OIDC Back-Channel Logout 1.0): a form-encoded `logout_token` from
 * the configured IdP, no cookie and no CSRF header (the IdP calls it server to server). A valid
 * token ends the sessions it names (`sid`, else every session of `sub`); any failure answers 400
 * `invalid_request`, as §2.8 asks. The form parser exists only in this route's scope.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html
 */
export const backchannelLogoutRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (
  app,
  { config },
) => {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      if (params.getAll("logout_token").length > 1)
        return done(new BadLogoutRequest("logout_token given twice"));
      done(null, Object.fromEntries(params));
    },
  );
  let verifier: LogoutTokenVerifier | undefined;
  const invalid = (reply: FastifyReply, description: string) =>
    reply.code(400).send({
      error: "invalid_request",
      error_description: description,
      code: "invalid_request",
      message: description,
    });

  app.post(
    "/logout/backchannel",
    {
      bodyLimit: BODY_LIMIT_BYTES,
      config: { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        body: Type.Object({ logout_token: Type.String({ minLength: 1, maxLength: BODY_LIMIT_BYTES }) }),
      },
      errorHandler: (error, request, reply) => {
        if (error instanceof StoreUnavailableError) throw error;
        const description =
          error instanceof LogoutTokenError ? error.message : "a form-encoded logout_token is required";
        request.log.warn({ event: "backchannel_logout.rejected", reason: description });
        return invalid(reply, description);
      },
    },
    async (request, reply) => {
      const metadata = await app.auth.metadata.waitFor(5000);
      if (!metadata) throw new LogoutTokenError("the identity provider's keys are not available");
      verifier ??= createLogoutTokenVerifier(metadata.jwks_uri, config.idpTimeoutMs);
      const claims = await verifier(request.body.logout_token, {
        issuer: metadata.issuer,
        clientId: config.idp.clientId,
      });
      // Single use: remembered until the token expires (plus the verifier's clock skew).
      const ttlMs = Math.max(1000, (claims.exp + 120) * 1000 - Date.now());
      const first = await app.kv.setIfAbsent(
        `bcl-jti:{${digest(`${metadata.issuer} ${claims.jti}`)}}`,
        "1",
        ttlMs,
      );
      if (!first) throw new LogoutTokenError("this logout token was already used");
      const ended = claims.sid
        ? await app.userSessions.endBySid(claims.sid, claims.sub)
        : await app.userSessions.endBySub(claims.sub as string);
      request.log.info({ event: "session.ended", reason: "backchannel_logout", ended });
      return reply.code(200).header("cache-control", "no-store").send();
    },
  );
};
