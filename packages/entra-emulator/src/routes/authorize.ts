import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { missingConsent } from "../consent.js";
import { AadError } from "../errors.js";
import { parseScopes } from "../scopes.js";
import { ssoUser, startSsoSession } from "../sso.js";
import type { AuthorizeRequest, EmulatorState, TenantScope } from "../state.js";
import { appNotFound, checkClientAvailable, checkUserAllowed } from "../tenancy.js";
import {
  completeSignIn,
  consentRequired,
  deliver,
  errorFields,
  pageError,
  proceed,
  showPicker,
} from "./authorize-flow.js";
import { registerLoginRoutes } from "./login.js";

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

/** Validates the parts of /authorize that decide whether we may redirect back at all. */
function validateClientAndRedirect(state: EmulatorState, tenant: string, q: Params) {
  let scope: TenantScope;
  try {
    scope = state.resolveTenant(tenant);
  } catch (err) {
    if (err instanceof AadError) throw pageError(err.code, err.error, err.text);
    throw err;
  }
  const clientId = q.client_id;
  if (!clientId) throw missing("client_id", "page");
  const client = state.findClient(clientId);
  if (!client) throw appNotFound(clientId, scope.tenant?.displayName ?? scope.segment, "page");
  checkClientAvailable(state, scope, client, "page");
  const redirectUri = q.redirect_uri;
  if (!redirectUri) throw missing("redirect_uri", "page");
  if (!client.redirectUris.includes(redirectUri)) {
    throw pageError(
      50011,
      "invalid_request",
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  return { client, redirectUri, tenantId: scope.tenant?.id ?? null };
}

/** Validates everything else; errors from here on go back to the (now trusted) redirect URI. */
function validateRest(
  q: Params,
  client: AuthorizeRequest["client"],
): Omit<AuthorizeRequest, "client" | "tenantId" | "redirectUri" | "responseMode"> {
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
  const scopes = parseScopes(q.scope, client);
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

/**
 * Decides how a valid request signs the user in, as Entra does: `prompt=none` only from the SSO
 * session (else login_required / consent_required); `login` and `select_account` always show the
 * picker; otherwise the SSO session's user (unless login_hint names someone else), or the
 * login_hint's user (standing in for typing a password), or the picker.
 */
async function signInStep(
  state: EmulatorState,
  request: FastifyRequest<{ Params: { tenant: string } }>,
  reply: FastifyReply,
  auth: AuthorizeRequest,
) {
  const tenantPath = request.params.tenant;
  const hinted = auth.loginHint ? state.findUser(auth.loginHint) : undefined;
  const session = ssoUser(state, request);
  const hintMatchesSession = !auth.loginHint || hinted?.id === session?.id;
  if (auth.prompt === "none") {
    if (!session || !hintMatchesSession) {
      throw new AadError(
        "login_required",
        50058,
        "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD.",
        { delivery: "redirect" },
      );
    }
    checkUserAllowed(state, auth.tenantId, auth.client, session);
    if (missingConsent(state, auth.client, session.id, auth.scopes).length > 0) throw consentRequired(auth);
    return completeSignIn(state, request, reply, auth, session);
  }
  if (auth.prompt === "login" || auth.prompt === "select_account") {
    // The account already signed in is the one offered first, unless a hint names another.
    return showPicker(state, reply, tenantPath, auth, hinted?.id ?? session?.id);
  }
  if (session && hintMatchesSession) return proceed(state, request, reply, tenantPath, auth, session);
  if (hinted && !session) {
    startSsoSession(state, request, reply, hinted);
    return proceed(state, request, reply, tenantPath, auth, hinted);
  }
  return showPicker(state, reply, tenantPath, auth, hinted?.id);
}

/** `/{tenant}/oauth2/v2.0/authorize` (GET or POST) and the picker's form target `/{tenant}/login`. */
export function registerAuthorizeRoutes(app: FastifyInstance, state: EmulatorState): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const source = (request.method === "POST" ? request.body : request.query) as
      | Record<string, unknown>
      | undefined;
    const q: Params = {};
    for (const [k, v] of Object.entries(source ?? {})) q[k] = text(v);
    const { client, redirectUri, tenantId } = validateClientAndRedirect(state, request.params.tenant, q);
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
      const rest = validateRest(q, client);
      const auth: AuthorizeRequest = { client, tenantId, ...target, ...rest };
      return await signInStep(state, request, reply, auth);
    } catch (err) {
      if (err instanceof AadError && err.delivery !== "page") {
        return deliver(reply, target, errorFields(state, request, err, q.state));
      }
      throw err;
    }
  };

  app.get("/:tenant/oauth2/v2.0/authorize", handler);
  app.post("/:tenant/oauth2/v2.0/authorize", handler);

  registerLoginRoutes(app, state);
}
