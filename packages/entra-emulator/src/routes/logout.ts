import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeJwt } from "jose";
import { signedOutPage } from "../html.js";
import type { EmulatorState } from "../state.js";

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

/**
 * `/{tenant}/oauth2/v2.0/logout`: ends the emulator's SSO session, then redirects to a registered
 * `post_logout_redirect_uri` — or, like Entra, shows "You signed out" when it is absent or unregistered.
 */
export function registerLogoutRoutes(app: FastifyInstance, state: EmulatorState): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    state.resolveTenant(request.params.tenant);
    const q = ((request.method === "POST" ? request.body : request.query) ?? {}) as Record<string, unknown>;
    reply.header("set-cookie", "ESTSAUTH=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    const target = typeof q.post_logout_redirect_uri === "string" ? q.post_logout_redirect_uri : undefined;
    const clientId = clientIdFrom(q);
    const client = clientId ? state.findClient(clientId) : undefined;
    // A post-logout redirect is honoured only when the app is known and the URI registered on it.
    const allowed = target !== undefined && client?.postLogoutRedirectUris.includes(target) === true;
    if (client) request.emulatorLog.clientId = client.clientId;
    if (allowed && target) {
      const url = new URL(target);
      if (typeof q.state === "string") url.searchParams.set("state", q.state);
      return reply.code(302).header("location", url.toString()).send();
    }
    const { html, csp } = signedOutPage();
    return reply.header("content-security-policy", csp).type("text/html; charset=utf-8").send(html);
  };
  app.get("/:tenant/oauth2/v2.0/logout", handler);
  app.post("/:tenant/oauth2/v2.0/logout", handler);
}
