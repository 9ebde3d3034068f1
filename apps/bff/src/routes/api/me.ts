import { ApiErrorSchema, ProfileSchema } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AppError } from "../../errors.js";

const errors = { "4xx": ApiErrorSchema, "5xx": ApiErrorSchema };
const requires = { csrf: true, session: "required" } as const;

/** `GET /api/me` (the Graph profile) and `GET /api/me/photo` (the photo bytes, 404 when none). */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/me",
    { config: requires, schema: { response: { 200: ProfileSchema, ...errors } } },
    async (request, reply) => app.withUserToken(request, reply, (token) => app.graph.getMe(token)),
  );

  const PhotoBytes = Type.Unsafe<Buffer>({ description: "image/* bytes" });
  app.get(
    "/me/photo",
    { config: requires, schema: { response: { 200: PhotoBytes, ...errors } } },
    async (request, reply) => {
      const photo = await app.withUserToken(request, reply, (token) => app.graph.getPhoto(token));
      if (!photo) throw new AppError("not_found", 404, "This user has no profile photo.");
      return reply.type(photo.contentType).header("content-length", photo.body.length).send(photo.body);
    },
  );
};
