import type { ApiError } from "@entra-bff/contracts";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "./errors.js";
import { StoreUnavailableError } from "./session/kv-store.js";

/** The safe JSON body and status for any error: 5xx clients only ever see a generic message. */
export function toApiError(error: unknown): { status: number; body: ApiError; cause: boolean } {
  if (error instanceof StoreUnavailableError) {
    return {
      status: 503,
      body: {
        code: "session_store_unavailable",
        message: "The session store is unavailable; try again shortly.",
      },
      cause: true,
    };
  }
  if (error instanceof AppError) {
    return {
      status: error.statusCode,
      body: {
        code: error.code,
        message: error.message,
        ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
        ...(error.loginUrl === undefined ? {} : { loginUrl: error.loginUrl }),
      },
      cause: error.statusCode >= 500,
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return {
      status: 400,
      body: { code: "bad_request", message: fastifyError.message ?? "Bad request" },
      cause: false,
    };
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // Fastify's own messages echo the request (URL, content type, JSON fragments): never sent.
    return {
      status,
      body: { code: status === 404 ? "not_found" : "bad_request", message: clientErrorMessage(status) },
      cause: false,
    };
  }
  return { status: 500, body: { code: "internal_error", message: "Something went wrong." }, cause: true };
}

const CLIENT_ERROR_MESSAGES: Record<number, string> = {
  404: "Not found.",
  408: "The request took too long to arrive.",
  413: "The request body is too large.",
  415: "This content type is not accepted here.",
  431: "The request headers are too large.",
};

/** A fixed, safe message for a 4xx status (nothing taken from the request). */
export function clientErrorMessage(status: number): string {
  return CLIENT_ERROR_MESSAGES[status] ?? "The request is malformed.";
}

/** One error handler: logs the cause of server-side failures, answers `{code, message}`. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, cause } = toApiError(error);
  if (cause) request.log.error({ err: error, code: body.code }, "request failed");
  if (body.retryAfter !== undefined) reply.header("retry-after", String(body.retryAfter));
  // An error is about this request only: no cache may keep it (also before any route's hooks ran).
  return reply.code(status).header("cache-control", "no-store").type("application/json").send(body);
}
