import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { correlationIdOf, sendAadError } from "../app.js";
import type { DemoUser } from "../config.js";
import { AadError, renderAadError } from "../errors.js";
import { formPostPage, pickerPage } from "../html.js";
import { parseScopes } from "../scopes.js";
import { type AuthorizeRequest, type EmulatorState, opaque } from "../state.js";
import { clientInfo } from "../tokens.js";

const SSO_COOKIE = "ESTSAUTH";
const PAGE_ONLY_CODES = new Set([50011, 700016, 90002]);
const PROMPTS = new Set(["none", "login", "select_account", "consent", "create"]);
/** The OAuth `error` Entra sends back with well-known AADSTS codes. */
const ERROR_FOR_CODE: Record<number, string> = {
  50058: "login_required",
  50076: "interaction_required",
  50079: "interaction_required",
  65001: "consent_required",
  65004: "access_denied",
  53003: "access_denied",
  50105: "access_denied",
  70011: "invalid_scope",
};

type Params = Record<string, string | undefined>;

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function pageError(code: number, error: string, message: string): AadError {
  return new AadError(error, code, message, { delivery: "page" });
}

function missing(name: string, delivery: "page" | "redirect"): AadError {
  return new AadError(
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
    {
      delivery,
    },
  );
}

function malformed(detail: string): AadError {
  return new AadError(
    "invalid_request",
    9002313,
    `Invalid request. Request is malformed or invalid. ${detail}`,
    {
      delivery: "redirect",
    },
  );
}

function readSsoCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SSO_COOKIE) return rest.join("=");
  }
  return undefined;
}

/** Validates the parts of /authorize that decide whether we may redirect back at all. */
function validateClientAndRedirect(state: EmulatorState, tenant: string, q: Params) {
  try {
    state.resolveTenant(tenant);
  } catch (err) {
    if (err instanceof AadError) throw pageError(err.code, err.error, err.text);
    throw err;
  }
  const clientId = q.client_id;
  if (!clientId) throw missing("client_id", "page");
  const client = state.findClient(clientId);
  if (!client) {
    throw pageError(
      700016,
      "unauthorized_client",
      `Application with identifier '${clientId}' was not found in the directory '${state.config.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const redirectUri = q.redirect_uri;
  if (!redirectUri) throw missing("redirect_uri", "page");
  if (!client.redirectUris.includes(redirectUri)) {
    throw pageError(
      50011,
      "invalid_request",
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  return { client, redirectUri };
}

/** Validates everything else; errors from here on go back to the (now trusted) redirect URI. */
function validateRest(q: Params): Omit<AuthorizeRequest, "client" | "redirectUri" | "responseMode"> {
  const responseType = q.response_type;
  if (!responseType) throw missing("response_type", "redirect");
  if (responseType !== "code") {
    throw new AadError(
      "unsupported_response_type",
      700054,
      `response_type '${responseType}' is not enabled for the application.`,
      {
        delivery: "redirect",
      },
    );
  }
  if (!q.scope) throw missing("scope", "redirect");
  const scopes = parseScopes(q.scope);
  const method = q.code_challenge_method;
  const challenge = q.code_challenge;
  if (challenge !== undefined || method !== undefined) {
    if (method !== "S256") {
      throw malformed(`The code_challenge_method '${method ?? "plain"}' is not supported; use S256.`);
    }
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      throw new AadError("invalid_request", 501491, "Invalid size of Code_Challenge parameter.", {
        delivery: "redirect",
      });
    }
  }
  const prompt = q.prompt;
  if (prompt !== undefined && !PROMPTS.has(prompt)) throw malformed(`Unsupported prompt '${prompt}'.`);
  return {
    scopes,
    state: q.state,
    nonce: q.nonce,
    codeChallenge: challenge,
    prompt,
    loginHint: q.login_hint,
    clientInfo: q.client_info === "1",
  };
}

function responseModeOf(q: Params): AuthorizeRequest["responseMode"] {
  const mode = q.response_mode ?? "query";
  if (mode === "query" || mode === "form_post" || mode === "fragment") return mode;
  return "query";
}

/** Delivers authorize results (code or error) to the redirect URI in the requested response mode. */
function deliver(
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

function errorFields(
  state: EmulatorState,
  request: FastifyRequest,
  err: AadError,
  appState: string | undefined,
) {
  const body = renderAadError(err, state.nowDate(), correlationIdOf(request));
  const fields: Record<string, string> = {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  };
  if (appState !== undefined) fields.state = appState;
  return fields;
}

/** Issues the authorization code for the chosen user and sends it back (with an SSO cookie). */
function completeSignIn(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthorizeRequest,
  user: DemoUser,
) {
  state.sweep();
  const sid = randomUUID();
  const code = `1.${opaque(48)}`;
  state.codes.set(code, {
    clientId: auth.client.clientId,
    userId: user.id,
    scopes: auth.scopes,
    sid,
    familyId: randomUUID(),
    redirectUri: auth.redirectUri,
    nonce: auth.nonce,
    codeChallenge: auth.codeChallenge,
    expiresAt: state.now() + state.lifetimes.codeSeconds,
    redeemed: false,
  });
  const ssoId = opaque(24);
  state.ssoSessions.set(ssoId, user.id);
  reply.header("set-cookie", `${SSO_COOKIE}=${ssoId}; Path=/; HttpOnly; SameSite=Lax`);
  const fields: Record<string, string> = { code };
  if (auth.clientInfo) fields.client_info = clientInfo(user.id, state.tenantId);
  if (auth.state !== undefined) fields.state = auth.state;
  fields.session_state = sid;
  request.emulatorLog.clientId = auth.client.clientId;
  return deliver(reply, auth, fields);
}

/** `/{tenant}/oauth2/v2.0/authorize` (GET or POST) and the picker's form target `/{tenant}/login`. */
export function registerAuthorizeRoutes(app: FastifyInstance, state: EmulatorState): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const source = (request.method === "POST" ? request.body : request.query) as
      | Record<string, unknown>
      | undefined;
    const q: Params = {};
    for (const [k, v] of Object.entries(source ?? {})) q[k] = text(v);
    const { client, redirectUri } = validateClientAndRedirect(state, request.params.tenant, q);
    request.emulatorLog.clientId = client.clientId;
    const target = { redirectUri, responseMode: responseModeOf(q) };
    try {
      const queued = state.takeQueuedError("authorize");
      if (queued) {
        const error = queued.error ?? ERROR_FOR_CODE[queued.aadsts] ?? "invalid_request";
        const description = queued.description ?? "Error injected by the emulator's control API.";
        const delivery = PAGE_ONLY_CODES.has(queued.aadsts) ? "page" : "redirect";
        throw new AadError(error, queued.aadsts, description, { delivery });
      }
      const rest = validateRest(q);
      const auth: AuthorizeRequest = { client, ...target, ...rest };
      const hinted = rest.loginHint ? state.findUser(rest.loginHint) : undefined;
      if (rest.prompt === "none") {
        const ssoId = readSsoCookie(request);
        const ssoUserId = ssoId ? state.ssoSessions.get(ssoId) : undefined;
        const ssoUser = ssoUserId ? state.findUser(ssoUserId) : undefined;
        if (!ssoUser || (hinted && hinted.id !== ssoUser.id)) {
          throw new AadError(
            "login_required",
            50058,
            "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD.",
            { delivery: "redirect" },
          );
        }
        return completeSignIn(state, request, reply, auth, ssoUser);
      }
      // A matching login_hint stands in for the user typing their password: no picker.
      if (hinted && rest.prompt !== "login" && rest.prompt !== "select_account") {
        return completeSignIn(state, request, reply, auth, hinted);
      }
      const flowId = state.park(auth);
      const { html, csp } = pickerPage({
        tenantPath: request.params.tenant,
        flowId,
        appName: client.displayName,
        users: state.config.users,
        hintedUserId: hinted?.id,
        redirectOrigin: new URL(redirectUri).origin,
      });
      return reply
        .header("content-security-policy", csp)
        .header("cache-control", "no-store")
        .type("text/html; charset=utf-8")
        .send(html);
    } catch (err) {
      if (err instanceof AadError && err.delivery !== "page") {
        return deliver(reply, target, errorFields(state, request, err, q.state));
      }
      throw err;
    }
  };

  app.get("/:tenant/oauth2/v2.0/authorize", handler);
  app.post("/:tenant/oauth2/v2.0/authorize", handler);

  app.post<{ Params: { tenant: string }; Body: Record<string, unknown> | undefined }>(
    "/:tenant/login",
    async (request, reply) => {
      const flowId = text(request.body?.flow) ?? "";
      const auth = state.unpark(flowId);
      if (!auth) {
        throw pageError(
          9002313,
          "invalid_request",
          "Invalid request. The sign-in request has expired or was already used. Go back to the application and sign in again.",
        );
      }
      if (text(request.body?.action) === "cancel") {
        const err = new AadError("access_denied", 65004, "User declined to consent to access the app.");
        return deliver(reply, auth, errorFields(state, request, err, auth.state));
      }
      const user = state.findUser(text(request.body?.user) ?? "");
      if (!user) {
        return sendAadError(
          state,
          request,
          reply,
          pageError(
            50034,
            "invalid_request",
            "The user account does not exist in the directory. To sign into this application, the account must be added to the directory.",
          ),
        );
      }
      return completeSignIn(state, request, reply, auth, user);
    },
  );
}
