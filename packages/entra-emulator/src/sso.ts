import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DemoUser } from "./config-types.js";
import { type EmulatorState, opaque, SSO_IDLE_SECONDS, type SsoSession } from "./state.js";

/** Named like Entra's session cookie so it never collides with an app's cookie on the same host. */
export const SSO_COOKIE = "ESTSAUTH";

/** Sessions started while handling a request (the browser sends their cookie only next time). */
const startedBy = new WeakMap<FastifyRequest, SsoSession>();

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

/** The browser's emulator session: started by this request, or named by its (live) cookie. */
export function currentSsoSession(state: EmulatorState, request: FastifyRequest): SsoSession | undefined {
  const started = startedBy.get(request);
  if (started) return started;
  const id = readSsoCookie(request);
  const session = id ? state.ssoSessions.get(id) : undefined;
  if (!id || !session) return undefined;
  if (session.lastUsedAt + SSO_IDLE_SECONDS < state.now()) {
    state.ssoSessions.delete(id);
    return undefined;
  }
  session.lastUsedAt = state.now();
  return session;
}

/** The user of the browser's emulator session (ESTSAUTH), if it is still alive server-side. */
export function ssoUser(state: EmulatorState, request: FastifyRequest): DemoUser | undefined {
  const session = currentSsoSession(state, request);
  return session ? state.findUser(session.userId) : undefined;
}

/** Signs `user` in at the emulator: a fresh session (and `sid`) replaces the browser's previous one. */
export function startSsoSession(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  user: DemoUser,
): SsoSession {
  const previous = readSsoCookie(request);
  if (previous) state.ssoSessions.delete(previous);
  const id = opaque(24);
  const session: SsoSession = {
    userId: user.id,
    sid: randomUUID(),
    clients: new Set(),
    lastUsedAt: state.now(),
  };
  state.ssoSessions.set(id, session);
  startedBy.set(request, session);
  reply.header("set-cookie", `${SSO_COOKIE}=${id}; ${cookieAttributes(state)}`);
  return session;
}

/** Ends the browser's emulator session: server-side (a copied cookie dies too) and the cookie. */
export function endSsoSession(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
): SsoSession | undefined {
  const id = readSsoCookie(request);
  const session = id ? state.ssoSessions.get(id) : undefined;
  if (id) state.ssoSessions.delete(id);
  reply.header("set-cookie", `${SSO_COOKIE}=; ${cookieAttributes(state)}; Max-Age=0`);
  return session;
}

/** The user's most recent SSO session (Maps iterate oldest first), optionally one `clientId` used. */
export function latestSsoSessionOf(
  state: EmulatorState,
  userId: string,
  clientId?: string,
): SsoSession | undefined {
  let latest: SsoSession | undefined;
  for (const session of state.ssoSessions.values()) {
    if (session.userId === userId && (!clientId || session.clients.has(clientId))) latest = session;
  }
  return latest;
}
