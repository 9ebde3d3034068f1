import { pipeline } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Dispatcher, errors as undiciErrors } from "undici";
import { AppError } from "../errors.js";
import type { ApiRoute } from "./api-config.js";
import { BodyTooLargeError, limitBody } from "./body-limit.js";
import { claimsChallengeOf } from "./interaction.js";
import { forwardedRequestHeaders, forwardedResponseHeaders } from "./proxy-headers.js";

/** One upstream call: what `sendUpstream` needs besides the route. */
export interface UpstreamCall {
  target: string;
  token: string | undefined;
  dispatcher: Dispatcher;
}

/** The upstream answered 401 (with the token we sent); the caller may retry once with a new token. */
export class UpstreamUnauthorized extends Error {
  constructor(readonly claims: string | undefined) {
    super("the upstream refused the access token");
    this.name = "UpstreamUnauthorized";
  }
}

/** The upstream's answer, before it is sent to the browser. */
export type UpstreamResponse = Dispatcher.ResponseData<unknown>;

/** Whether the browser's request carries a body (any Content-Length but 0, or chunked). */
export function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined;
}

/**
 * Sends the browser's request to the upstream: allowlisted headers, the API's token, the body
 * streamed through the size limit. Timeouts → 504, unreachable → 502, body over the limit → 413.
 */
export async function sendUpstream(
  request: FastifyRequest,
  route: ApiRoute,
  call: UpstreamCall,
): Promise<UpstreamResponse> {
  const headers = forwardedRequestHeaders(request.headers, route.headers);
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  let body: NodeJS.ReadableStream | undefined;
  let tooLarge = false;
  if (hasBody(request)) {
    const limiter = limitBody(route.maxBodyBytes);
    // pipeline() destroys both on error: a cut or aborted upload also aborts the upstream request.
    body = pipeline(request.raw, limiter, (error) => {
      if (error instanceof BodyTooLargeError) tooLarge = true;
    });
  }
  try {
    // Straight to the pool: the target was built from the route's upstream, whose origin is known,
    // so undici need not parse a URL per request. Redirects are never followed.
    const origin = originOf(route.upstream);
    const path = call.target.slice(origin.length);
    return await call.dispatcher.request({
      origin,
      // As a URL parser would: `https://api.example.com?x` asks for `/?x`.
      path: path.startsWith("/") ? path : `/${path}`,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      ...(body ? { body: body as unknown as Dispatcher.DispatchOptions["body"] } : {}),
      headersTimeout: route.timeoutMs,
      bodyTimeout: route.timeoutMs,
    } as Dispatcher.RequestOptions);
  } catch (error) {
    if (tooLarge || error instanceof BodyTooLargeError) {
      throw new AppError("payload_too_large", 413, "The request body is larger than this API accepts.");
    }
    throw upstreamFailure(error);
  }
}

const origins = new Map<string, string>();
/** `https://api.example.com:8443` of a declared upstream base URL (validated at start-up). */
function originOf(upstream: string): string {
  let origin = origins.get(upstream);
  if (origin === undefined) {
    origin = new URL(upstream).origin;
    origins.set(upstream, origin);
  }
  return origin;
}

function upstreamFailure(error: unknown): AppError {
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new AppError("upstream_timeout", 504, "The API did not answer in time.", { cause: error });
  }
  return new AppError("upstream_unavailable", 502, "The API cannot be reached right now.", {
    cause: error,
    retryAfter: 5,
  });
}

function isJson(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(value);
}

/**
 * Sends the upstream's answer to the browser, streaming its body (Server-Sent Events unbuffered).
 * A 401 throws UpstreamUnauthorized (with a decoded claims challenge, if any). An error the
 * upstream explains in JSON (4xx) passes through unchanged; other errors become the BFF's codes.
 */
export async function relayResponse(
  reply: FastifyReply,
  route: ApiRoute,
  response: UpstreamResponse,
): Promise<FastifyReply> {
  const { statusCode, headers, body } = response;
  if (statusCode === 401) {
    await body.dump();
    throw new UpstreamUnauthorized(claimsChallengeOf(headers["www-authenticate"]));
  }
  if (statusCode >= 400 && !(statusCode < 500 && isJson(headers["content-type"]))) {
    await body.dump();
    throw mappedError(statusCode, headers["retry-after"]);
  }
  reply.code(statusCode).headers(forwardedResponseHeaders(headers));
  if (String(headers["content-type"] ?? "").startsWith("text/event-stream")) {
    // Reverse proxies in front of the BFF (nginx) must not buffer the stream either.
    reply.header("x-accel-buffering", "no");
  }
  if (reply.request.method === "HEAD" || statusCode === 204 || statusCode === 304) {
    await body.dump();
    return reply.send();
  }
  if (!route.stream) return reply.send(Buffer.from(await body.arrayBuffer()));
  return reply.send(body);
}

function mappedError(status: number, retryAfterHeader: string | string[] | undefined): AppError {
  const retryAfter = Number(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader);
  const retry = Number.isInteger(retryAfter) && retryAfter >= 0 ? { retryAfter } : {};
  switch (status) {
    case 403:
      return new AppError("forbidden", 403, "The API does not allow this.");
    case 404:
      return new AppError("not_found", 404, "The API has no such resource.");
    case 413:
      return new AppError("payload_too_large", 413, "The request body is larger than the API accepts.");
    case 429:
      return new AppError("rate_limited", 429, "The API is busy; try again later.", retry);
    case 503:
      return new AppError("upstream_unavailable", 503, "The API is unavailable; try again shortly.", retry);
    case 504:
      return new AppError("upstream_timeout", 504, "The API did not answer in time.");
    default:
      return status < 500
        ? new AppError("bad_request", status, "The API refused the request.")
        : new AppError("upstream_error", 502, "The API failed to answer the request.");
  }
}
