import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeJwt } from "jose";
import type { ClientRegistration } from "../config-types.js";
import { signedOutPage } from "../html.js";
import { frontChannelSignOutPage } from "../html-logout.js";
import { endSsoSession } from "../sso.js";
import { type EmulatorState, opaque, type SsoSession } from "../state.js";

function clientIdFrom(q: Record<string, unknown>): string | undefined {
  if (typeof q.client_id === "string") return q.client_id;
  if (typeof q.id_token_hint === "string") {
    try {
      const aud = decodeJwt(q.id_token_hint).aud;
      return typeof aud === "string" ? aud : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A client's registered URIs a post-logout redirect may go to (Entra: its redirect URIs). */
function logoutTargets(client: ClientRegistration): string[] {
  return [...client.redirectUris, ...client.postLogoutRedirectUris];
}

/**
 * The front-channel logout URLs of the apps signed in during the ended SSO session, each with the
 * session's `sid` (Entra sends `sid` only, no `iss`).
 */
function frontChannelUrls(state: EmulatorState, session: SsoSession): string[] {
  const urls = new Set<string>();
  for (const clientId of session.clients) {
    const registered = state.findClient(clientId)?.frontchannelLogoutUrl;
    if (!registered) continue;
    const url = new URL(registered);
    url.searchParams.set("sid", session.sid);
    urls.add(url.toString());
  }
  return [...urls];
}

/**
 * `/{tenant}/oauth2/v2.0/logout`: ends the emulator's SSO session, then redirects to
 * `post_logout_redirect_uri` when it is registered — on the client named by `client_id` or
 * `id_token_hint`, or, when neither is sent (MSAL's logout URL), on any registered client, as
 * Entra does. Otherwise Entra's "You signed out" page. When apps of the session registered a
 * front-channel logout URL, a page loads them in hidden iframes first (then redirects).
 */
export function registerLogoutRoutes(app: FastifyInstance, state: EmulatorState): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    state.resolveTenant(request.params.tenant);
    const q = ((request.method === "POST" ? request.body : request.query) ?? {}) as Record<string, unknown>;
    const session = endSsoSession(state, request, reply);
    const frames = session ? frontChannelUrls(state, session) : [];
    const target = typeof q.post_logout_redirect_uri === "string" ? q.post_logout_redirect_uri : undefined;
    const clientId = clientIdFrom(q);
    const client = clientId ? state.findClient(clientId) : undefined;
    const candidates = clientId ? (client ? [client] : []) : state.config.clients;
    const allowed = target !== undefined && candidates.some((c) => logoutTargets(c).includes(target));
    if (client) request.emulatorLog.clientId = client.clientId;
    let redirect: string | undefined;
    if (allowed && target) {
      const url = new URL(target);
      if (typeof q.state === "string") url.searchParams.set("state", q.state);
      redirect = url.toString();
    }
    if (frames.length > 0) {
      const { html, csp } = frontChannelSignOutPage(frames, redirect, opaque(16));
      return reply
        .header("content-security-policy", csp)
        .header("cache-control", "no-store")
        .type("text/html; charset=utf-8")
        .send(html);
    }
    if (redirect) return reply.code(302).header("location", redirect).send();
    const { html, csp } = signedOutPage();
    return reply.header("content-security-policy", csp).type("text/html; charset=utf-8").send(html);
  };
  app.get("/:tenant/oauth2/v2.0/logout", handler);
  app.post("/:tenant/oauth2/v2.0/logout", handler);
}
