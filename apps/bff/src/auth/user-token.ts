import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { CookiePolicy } from "../cookies.js";
import { ReauthRequiredError, SignInRequiredError, UpstreamUnauthorizedError } from "../errors.js";
import type { Sessions } from "../session/sessions.js";
import { rememberClaims } from "./claims-challenge.js";
import type { ResourceRequest, TokenService } from "./token-service.js";

/** Runs `call` with the signed-in user's access token, under the policy below. */
export type WithUserToken = <T>(
  request: FastifyRequest,
  reply: FastifyReply,
  call: (accessToken: string) => Promise<T>,
  /** A declared API's resource (its own token from the same refresh token); default Graph. */
  resource?: ResourceRequest,
) => Promise<T>;

declare module "fastify" {
  interface FastifyInstance {
    /** Every route that calls an upstream API with the user's token goes through this. */
    withUserToken: WithUserToken;
  }
}

export interface UserTokenDeps {
  sessions: Pick<Sessions, "current" | "end">;
  tokens: Pick<TokenService, "getAccessToken">;
  cookies: CookiePolicy;
}

/**
 * The one policy for calling an upstream with the user's token:
 * - the upstream refuses the token (UpstreamUnauthorizedError, its 401): one forced refresh, one
 *   retry; a second refusal is the upstream's problem (502 upstream_error), never the session's;
 * - the refresh token itself is dead (ReauthRequiredError): the session ends on every instance,
 *   Entra's claims challenge (if any) is kept for the next sign-in, and the answer is 401
 *   reauth_required.
 */
export function createWithUserToken({ sessions, tokens, cookies }: UserTokenDeps): WithUserToken {
  return async (request, reply, call, resource) => {
    const auth = sessions.current(request);
    if (!auth) throw new SignInRequiredError();
    try {
      const token = await tokens.getAccessToken(auth, undefined, resource);
      try {
        return await call(token);
      } catch (error) {
        if (!(error instanceof UpstreamUnauthorizedError)) throw error;
        return await call(await tokens.getAccessToken(auth, token, resource));
      }
    } catch (error) {
      if (!(error instanceof ReauthRequiredError)) throw error;
      const aadsts = error.aadsts;
      await sessions.end(request, reply, "reauth_required", aadsts === undefined ? {} : { aadsts });
      rememberClaims(reply, cookies, error.claims);
      throw new ReauthRequiredError("Your sign-in has expired; sign in again.", { cause: error });
    }
  };
}

/** Decorates `withUserToken` for the session scope. */
export const userTokenPlugin = fp<{ cookies: CookiePolicy }>(
  async (app: FastifyInstance, { cookies }) => {
    app.decorate(
      "withUserToken",
      createWithUserToken({ sessions: app.sessions, tokens: app.auth.tokens, cookies }),
    );
  },
  { name: "user-token", dependencies: ["auth", "session"] },
);
