import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DemoUser } from "../config-types.js";
import { grantedScopes, missingConsent } from "../consent.js";
import { correlationIdOf } from "../correlation.js";
import { AadError, renderAadError } from "../errors.js";
import { consentPage, formPostPage, pickerPage } from "../html.js";
import { isAdminOnly } from "../scopes.js";
import { currentSsoSession } from "../sso.js";
import { type AuthorizeRequest, type EmulatorState, opaque } from "../state.js";
import { checkUserAllowed } from "../tenancy.js";
import { clientInfo } from "../tokens.js";

/** The steps of an interactive sign-in after /authorize validated it: picker, consent, code. */

export function pageError(code: number, error: string, message: string): AadError {
  return new AadError(error, code, message, { delivery: "page" });
}

/** Delivers authorize results (code or error) to the redirect URI in the requested response mode. */
export function deliver(
  reply: FastifyReply,
  target: { redirectUri: string; responseMode: AuthorizeRequest["responseMode"] },
  fields: Record<string, string>,
) {
  if (target.responseMode === "form_post") {
    const nonce = opaque(16);
    const { html, csp } = formPostPage(target.redirectUri, fields, nonce);
    return reply.header("content-security-policy", csp).type("text/html; charset=utf-8").send(html);
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === "fragment") {
    url.hash = new URLSearchParams(fields).toString();
  } else {
    for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  }
  return reply.code(302).header("location", url.toString()).header("cache-control", "no-store").send();
}

export function errorFields(
  state: EmulatorState,
  request: FastifyRequest,
  err: AadError,
  appState: string | undefined,
) {
  const body = renderAadError(err, state.nowDate(), correlationIdOf(request));
  const fields: Record<string, string> = { error: body.error, error_description: body.error_description };
  if (body.error_uri) fields.error_uri = body.error_uri;
  if (appState !== undefined) fields.state = appState;
  return fields;
}

/** AADSTS65001 as /authorize sends it back (`prompt=none`, or the user declined). */
export function consentRequired(auth: AuthorizeRequest): AadError {
  return new AadError(
    "consent_required",
    65001,
    `The user or administrator has not consented to use the application with ID '${auth.client.clientId}' named '${auth.client.displayName}'. Send an interactive authorization request for this user and resource.`,
    { delivery: "redirect" },
  );
}

function sendHtml(reply: FastifyReply, page: { html: string; csp: string }) {
  return reply
    .header("content-security-policy", page.csp)
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8")
    .send(page.html);
}

/** Shows the account picker for a parked request (the hinted user focused). */
export function showPicker(
  state: EmulatorState,
  reply: FastifyReply,
  tenantPath: string,
  auth: AuthorizeRequest,
  hintedUserId: string | undefined,
) {
  return sendHtml(
    reply,
    pickerPage({
      tenantPath,
      flowId: state.park(auth),
      appName: auth.client.displayName,
      // A tenant's authority lists its own users; `common` / `organizations` list everyone.
      users: auth.tenantId ? state.directory.usersOf(auth.tenantId) : state.directory.users,
      hintedUserId,
      redirectOrigin: new URL(auth.redirectUri).origin,
    }),
  );
}

/** Issues the authorization code for the signed-in user and sends it back. */
export function completeSignIn(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthorizeRequest,
  user: DemoUser,
) {
  state.sweep();
  // Entra's `sid` names the SSO session: the same in every sign-in that session makes.
  const session = currentSsoSession(state, request);
  session?.clients.add(auth.client.clientId);
  const sid = session?.sid ?? randomUUID();
  const code = `1.${opaque(48)}`;
  state.codes.set(code, {
    clientId: auth.client.clientId,
    userId: user.id,
    scopes: grantedScopes(state, auth.client, user.id, auth.scopes),
    resource: auth.scopes.resource,
    sid,
    familyId: randomUUID(),
    redirectUri: auth.redirectUri,
    nonce: auth.nonce,
    codeChallenge: auth.codeChallenge,
    expiresAt: state.now() + state.lifetimes.codeSeconds,
    redeemed: false,
  });
  const fields: Record<string, string> = { code };
  if (auth.clientInfo) fields.client_info = clientInfo(user.id, state.directory.tenantOf(user).id);
  if (auth.state !== undefined) fields.state = auth.state;
  fields.session_state = sid;
  request.emulatorLog.clientId = auth.client.clientId;
  return deliver(reply, auth, fields);
}

/**
 * The user is known (picked, hinted or SSO): ask for consent to what nobody consented to yet
 * (everything asked, with `prompt=consent`), else issue the code. Admin-only permissions cannot be
 * consented to by a user: Entra's "Need admin approval" page (AADSTS90094).
 */
export function proceed(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantPath: string,
  auth: AuthorizeRequest,
  user: DemoUser,
) {
  checkUserAllowed(state, auth.tenantId, auth.client, user);
  const missing =
    auth.prompt === "consent"
      ? auth.scopes.permissions
      : missingConsent(state, auth.client, user.id, auth.scopes);
  if (missing.length === 0) return completeSignIn(state, request, reply, auth, user);
  const adminOnly = missing.filter(isAdminOnly);
  if (adminOnly.some((scope) => !(auth.client.adminConsent ?? []).includes(scope))) {
    throw pageError(
      90094,
      "invalid_request",
      `The grant requires admin permission. ${auth.client.displayName} needs permission to access resources in your organization that only an admin can grant (${adminOnly.join(", ")}). Ask an admin to grant permission to this app before you can use it.`,
    );
  }
  const flowId = state.park({ ...auth, userId: user.id, consent: missing });
  return sendHtml(
    reply,
    consentPage({
      tenantPath,
      flowId,
      appName: auth.client.displayName,
      user,
      scopes: missing,
      redirectOrigin: new URL(auth.redirectUri).origin,
    }),
  );
}
