import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { BearerError } from "./auth/bearer-error.js";

/** An error with a status and a stable `code`, answered as JSON `{code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ApiError";
  }
}

export const notFound = () => new ApiError(404, "not_found", "No such task.");

/** Fastify's own 4xx errors, with fixed messages: its messages may echo the request. */
const FRAMEWORK_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: "invalid_request", message: "The request is malformed." },
  404: { code: "not_found", message: "Not found." },
  413: { code: "payload_too_large", message: "The request body is too large." },
  415: { code: "unsupported_media_type", message: "Send the body as application/json." },
};

/** Status and body for any error; 5xx answers never carry internals. */
export function toResponse(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof BearerError || error instanceof ApiError) {
    return { status: error.statusCode, code: error.code, message: error.message };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    // Ajv's messages name the field and the rule, never the value sent.
    return { status: 400, code: "invalid_request", message: fastifyError.message ?? "Invalid request." };
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const fixed = FRAMEWORK_ERRORS[status] ?? FRAMEWORK_ERRORS[400];
    return { status, code: fixed?.code ?? "invalid_request", message: fixed?.message ?? "" };
  }
  return { status: 500, code: "internal_error", message: "Something went wrong." };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, code, message } = toResponse(error);
  if (status >= 500) request.log.error({ err: error, code }, "request failed");
  if (error instanceof BearerError) reply.header("www-authenticate", error.challenge);
  return reply.code(status).type("application/json; charset=utf-8").send({ code, message });
}
