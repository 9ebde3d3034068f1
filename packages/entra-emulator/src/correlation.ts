import { randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";

/** The caller's `client-request-id` (header or query), echoed as Entra's correlation id. */
export function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers["client-request-id"];
  const query = (request.query as Record<string, unknown> | undefined)?.["client-request-id"];
  const value = typeof header === "string" ? header : typeof query === "string" ? query : undefined;
  return value && /^[\w-]{1,64}$/.test(value) ? value : randomUUID();
}
