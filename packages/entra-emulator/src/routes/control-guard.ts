import type { FastifyReply, FastifyRequest } from "fastify";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The control API resets, poisons and aims the emulator (it can POST a signed logout token to any
 * URL), so only the developer's own tools may call it, never a web page they happen to visit:
 * - a POST body must be `application/json`, which a cross-site form or simple fetch cannot send
 *   without a CORS preflight the emulator never answers;
 * - an `Origin` other than the emulator's own is refused (a page that managed a request anyway);
 * - the `Host` must be a loopback name or the emulator's own host, so DNS rebinding (a hostile
 *   name resolving to 127.0.0.1) cannot read the answers.
 */
export function controlGuard(ownUrl: () => string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const own = new URL(ownUrl());
    const host = hostnameOf(request.headers.host);
    if (host === undefined || !(LOOPBACK_HOSTS.has(host) || host === own.hostname)) {
      return refuse(reply, 403, "the control API answers only on a loopback host or the emulator's own");
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== own.origin) {
      return refuse(reply, 403, "the control API refuses cross-origin requests");
    }
    if (request.method === "POST" && hasBody(request) && !isJson(request.headers["content-type"])) {
      return refuse(reply, 415, "the control API takes only application/json bodies");
    }
  };
}

function hostnameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

function refuse(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).header("cache-control", "no-store").send({ error: "invalid_request", message });
}
