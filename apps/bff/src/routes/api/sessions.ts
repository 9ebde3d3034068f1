import {
  ApiErrorSchema,
  LogoutResponseSchema,
  SessionListSchema,
  type SessionSummary,
  SessionsEndedSchema,
} from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { AppError } from "../../errors.js";
import type { SessionAuth } from "../../session/session-data.js";

const errors = { "4xx": ApiErrorSchema, "5xx": ApiErrorSchema };
const config = { csrf: true, session: "required" } as const;
const Ended = Type.Union([SessionsEndedSchema, LogoutResponseSchema]);

/**
 * "Your sessions": `GET /api/sessions`, `DELETE /api/sessions/{handle}` and `DELETE /api/sessions`
 * (`?others=true` keeps this one). Sessions are named by opaque handles (digests of their ids), so
 * nothing here can be replayed as a cookie. Ending the current session signs this browser out as
 * `POST /logout` does and answers `{logoutUrl}`.
 */
export const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const signedIn = (request: FastifyRequest): { auth: SessionAuth; id: string } => {
    const auth = app.sessions.current(request);
    if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
    return { auth, id: (request.loadedSession as { id: string }).id };
  };
  const signOutHere = async (request: FastifyRequest, reply: FastifyReply, auth: SessionAuth) => {
    await app.sessions.end(request, reply, "signout");
    return { logoutUrl: await app.auth.logoutUrl(auth.loginHint) };
  };

  app.get(
    "/sessions",
    { config, schema: { response: { 200: SessionListSchema, ...errors } } },
    async (request) => {
      const { auth, id } = signedIn(request);
      const sessions = await app.userSessions.list(auth.user.tid, auth.user.oid);
      return {
        sessions: sessions.map(
          (s): SessionSummary => ({
            handle: s.handle,
            current: s.id === id,
            createdAt: new Date(s.createdAt).toISOString(),
            lastSeenAt: new Date(s.lastSeenAt).toISOString(),
            browser: s.browser,
            os: s.os,
          }),
        ),
      };
    },
  );

  app.delete(
    "/sessions/:handle",
    {
      config,
      schema: {
        params: Type.Object({ handle: Type.String({ pattern: "^[A-Za-z0-9_-]{22}$" }) }),
        response: { 200: Ended, ...errors },
      },
    },
    async (request, reply) => {
      const { auth, id } = signedIn(request);
      const sessions = await app.userSessions.list(auth.user.tid, auth.user.oid);
      const target = sessions.find((s) => s.handle === request.params.handle);
      if (!target) throw new AppError("not_found", 404, "No such session of yours.");
      if (target.id === id) return signOutHere(request, reply, auth);
      await app.userSessions.end(target.id, auth.user);
      request.log.info({ event: "session.ended", reason: "ended_by_user", oid: auth.user.oid });
      return { ended: 1 };
    },
  );

  app.delete(
    "/sessions",
    {
      config,
      schema: {
        querystring: Type.Object({
          others: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false")])),
        }),
        response: { 200: Ended, ...errors },
      },
    },
    async (request, reply) => {
      const { auth, id } = signedIn(request);
      const ended = await app.userSessions.endUser(auth.user.tid, auth.user.oid, id);
      request.log.info({ event: "session.ended", reason: "signout_everywhere", oid: auth.user.oid, ended });
      if (request.query.others === "true") return { ended };
      return signOutHere(request, reply, auth);
    },
  );
};
