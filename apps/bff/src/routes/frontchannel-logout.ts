import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppConfig } from "../config.js";

const PAGE = (text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${text}</title></head><body>${text}</body></html>`;

/**
 * `GET /logout/frontchannel?sid=…[&iss=…]`: the app's "Front-channel logout URL". The IdP's
 * sign-out page loads it in a hidden iframe, where third-party cookies are blocked, so the
 * sessions are found by the IdP's `sid`, not by the cookie. Only the IdP may frame it.
 * @see https://openid.net/specs/openid-connect-frontchannel-1_0.html
 */
export const frontchannelLogoutRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (
  app,
  { config },
) => {
  const idpOrigin = new URL(config.idp.authorityHost).origin;
  const page = (reply: FastifyReply, status: number, text: string) => {
    reply.removeHeader("x-frame-options");
    return reply
      .code(status)
      .header("content-security-policy", `default-src 'none'; frame-ancestors ${idpOrigin}`)
      .type("text/html; charset=utf-8")
      .send(PAGE(text));
  };

  app.get(
    "/logout/frontchannel",
    {
      config: { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        querystring: Type.Object({
          sid: Type.Optional(Type.String({ maxLength: 256 })),
          iss: Type.Optional(Type.String({ maxLength: 512 })),
        }),
      },
      errorHandler: (error, request, reply) => {
        if ((error as { validation?: unknown }).validation) return page(reply, 400, "Bad sign-out request.");
        request.log.error({ err: error }, "front-channel logout failed");
        return page(reply, 503, "Sign-out could not be completed.");
      },
    },
    async (request, reply) => {
      const { sid, iss } = request.query;
      if (!sid) return page(reply, 400, "Bad sign-out request.");
      if (iss !== undefined) {
        const metadata = await app.auth.metadata.waitFor(5000);
        if (!metadata || metadata.issuer !== iss) return page(reply, 400, "Bad sign-out request.");
      }
      const ended = await app.userSessions.endBySid(sid);
      request.log.info({ event: "session.ended", reason: "frontchannel_logout", ended });
      return page(reply, 200, "Signed out.");
    },
  );
};
