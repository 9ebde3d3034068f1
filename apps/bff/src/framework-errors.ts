import { type Server, STATUS_CODES } from "node:http";
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
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody left to answer.
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const status =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    answerOnSocket(socket, headers, status, clientErrorMessage(status));
  };
}

/**
 * What Node answers by itself, bare (no body, no security headers), answered like every other
 * error instead: an `Expect` other than 100-continue (417), `CONNECT` (405), and HTTP/1.1 without
 * `Host` (let through to `requireHostHeader`, which answers 400).
 */
export function answerRawRequests(server: Server, headers: Record<string, string>): void {
  // Read per request by Node (not only at creation); @types/node does not declare it.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on("checkExpectation", (_request, response) => {
    const body = JSON.stringify({ code: "bad_request", message: "This Expect header is not supported." });
    response.writeHead(417, {
      ...headers,
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      connection: "close",
    });
    response.end(body);
  });
  server.on("connect", (_request, socket: Socket) =>
    answerOnSocket(socket, headers, 405, "CONNECT is not supported."),
  );
}

/** An onRequest hook (synchronous: it runs on every request): HTTP/1.1 requires a Host header (RFC 9112 §3.2). */
export function requireHostHeader(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  if (request.raw.httpVersion === "1.1" && !request.headers.host) {
    done(new AppError("bad_request", 400, clientErrorMessage(400)));
    return;
  }
  done();
}

function answerOnSocket(socket: Socket, headers: Record<string, string>, status: number, message: string) {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  const body = JSON.stringify({ code: "bad_request", message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`,
    );
  }
  socket.destroy();
}
