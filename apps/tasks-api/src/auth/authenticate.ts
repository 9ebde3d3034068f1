import type { FastifyRequest } from "fastify";
import { BearerError } from "./bearer-error.js";
import type { Principal } from "./verify-token.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1; query tokens are ignored). */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer +(\S*) *$/i);
  if (!match) {
    throw new BearerError(
      "unauthenticated",
      "Send an access token for this API: Authorization: Bearer <token>.",
    );
  }
  return match[1] ?? "";
}

/** The principal set by the onRequest hook (routes run only after it succeeded). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("principalOf: route without the authentication hook");
  return request.principal;
}
