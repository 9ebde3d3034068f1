import { ApiErrorSchema, SessionResponseSchema } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";

/** `GET /api/session`: who is signed in, and until when. Never a token. */
export const sessionRoute: FastifyPluginAsyncTypebox<{ emulator: boolean }> = async (app, { emulator }) => {
  app.get(
    "/session",
    {
      config: { csrf: true, session: "optional" },
      schema: { response: { 200: SessionResponseSchema, "4xx": ApiErrorSchema, "5xx": ApiErrorSchema } },
    },
    async (request) => {
      const auth = app.sessions.current(request);
      if (!auth) return { authenticated: false as const, emulator };
      return {
        authenticated: true as const,
        user: auth.user,
        expiresAt: new Date(auth.expiresAt).toISOString(),
        emulator,
      };
    },
  );
};
