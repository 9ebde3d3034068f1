import { ProfileSchema } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { rememberClaims } from "../../auth/claims-challenge.js";
import { AppError, ReauthRequiredError } from "../../errors.js";
import { GraphUnauthorizedError } from "../../graph/graph-client.js";
import { ApiErrorResponse } from "../schemas.js";

const errors = { "4xx": ApiErrorResponse, "5xx": ApiErrorResponse };

export interface MeRoutesOptions {
  secureCookies: boolean;
}

/** `GET /api/me` (the Graph profile) and `GET /api/me/photo` (the photo bytes, 404 when none). */
export const meRoutes: FastifyPluginAsyncTypebox<MeRoutesOptions> = async (app, { secureCookies }) => {
  const withGraphToken = <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    call: (token: string) => Promise<T>,
  ) => withToken(app, secureCookies, request, reply, call);

  app.get("/me", { schema: { response: { 200: ProfileSchema, ...errors } } }, async (request, reply) =>
    withGraphToken(request, reply, (token) => app.graph.getMe(token)),
  );

  const PhotoBytes = Type.Unsafe<Buffer>({ description: "image/* bytes" });
  app.get("/me/photo", { schema: { response: { 200: PhotoBytes, ...errors } } }, async (request, reply) => {
    const photo = await withGraphToken(request, reply, (token) => app.graph.getPhoto(token));
    if (!photo) throw new AppError("not_found", 404, "This user has no profile photo.");
    return reply.type(photo.contentType).header("content-length", photo.body.length).send(photo.body);
  });
};

/**
 * Runs a Graph call with the session's access token. A 401 from Graph gets one forced refresh;
 * a dead refresh token ends the session (all instances) and answers 401 reauth_required, keeping
 * Entra's claims challenge (if any) for the next sign-in.
 */
async function withToken<T>(
  app: FastifyInstance,
  secureCookies: boolean,
  request: FastifyRequest,
  reply: FastifyReply,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const auth = app.sessions.current(request);
  if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
  try {
    const token = await app.auth.tokens.getAccessToken(auth);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof GraphUnauthorizedError)) throw error;
      return await call(await app.auth.tokens.getAccessToken(auth, token));
    }
  } catch (error) {
    if (error instanceof ReauthRequiredError || error instanceof GraphUnauthorizedError) {
      const aadsts = error instanceof ReauthRequiredError ? error.aadsts : undefined;
      await app.sessions.end(request, reply, "reauth_required", aadsts === undefined ? {} : { aadsts });
      if (error instanceof ReauthRequiredError) rememberClaims(reply, secureCookies, error.claims);
      throw new ReauthRequiredError("Your sign-in has expired; sign in again.", { cause: error });
    }
    throw error;
  }
}
