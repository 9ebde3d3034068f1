import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { clientErrorMessage, errorHandler } from "./error-handler.js";
import { AppError } from "./errors.js";

/**
 * Answers for what Fastify rejects before any route or hook runs: a URL that does not decode
 * (`/%ff`), an over-long parameter, an HTTP request Node cannot parse. Fastify's defaults echo
 * the path and skip every hook, so these answer the BFF's `{code, message}` with its security
 * headers instead.
 */
export function frameworkErrorHandler(headers: Record<string, string>) {
  return (_error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    reply.headers(headers);
    return errorHandler(new AppError("bad_request", 400, clientErrorMessage(400)), request, reply);
  };
}

/** Fastify's `clientErrorHandler`: a raw JSON answer on the socket, then close it. */
export function clientErrorHandler(headers: Record<string, string>) {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody left to answer.
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const status =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = JSON.stringify({ code: "bad_request", message: clientErrorMessage(status) });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
