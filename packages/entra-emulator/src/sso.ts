import type { FastifyReply, FastifyRequest } from "fastify";
import type { DemoUser } from "./config.js";
import { type EmulatorState, opaque } from "./state.js";

/** Named like Entra's session cookie so it never collides with an app's cookie on the same host. */
export const SSO_COOKIE = "ESTSAUTH";

function readSsoCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SSO_COOKIE) return rest.join("=");
  }
  return undefined;
}

function cookieAttributes(state: EmulatorState): string {
  return `Path=/; HttpOnly; SameSite=Lax${state.baseUrl.startsWith("https:") ? "; Secure" : ""}`;
}

/** The user of the browser's emulator session (ESTSAUTH), if it is still alive server-side. */
export function ssoUser(state: EmulatorState, request: FastifyRequest): DemoUser | undefined {
  const id = readSsoCookie(request);
  const userId = id ? state.ssoSessions.get(id) : undefined;
  return userId ? state.findUser(userId) : undefined;
}

/** Signs `user` in at the emulator: a fresh session replaces the browser's previous one. */
export function startSsoSession(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  user: DemoUser,
): void {
  const previous = readSsoCookie(request);
  if (previous) state.ssoSessions.delete(previous);
  const id = opaque(24);
  state.ssoSessions.set(id, user.id);
  reply.header("set-cookie", `${SSO_COOKIE}=${id}; ${cookieAttributes(state)}`);
}

/** Ends the browser's emulator session: server-side (a copied cookie dies too) and the cookie. */
export function endSsoSession(state: EmulatorState, request: FastifyRequest, reply: FastifyReply): void {
  const id = readSsoCookie(request);
  if (id) state.ssoSessions.delete(id);
  reply.header("set-cookie", `${SSO_COOKIE}=; ${cookieAttributes(state)}; Max-Age=0`);
}
