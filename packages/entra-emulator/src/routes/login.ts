import type { FastifyInstance } from "fastify";
import { recordUserConsent } from "../consent.js";
import { AadError } from "../errors.js";
import { startSsoSession } from "../sso.js";
import type { AuthorizeRequest, EmulatorState } from "../state.js";
import { completeSignIn, deliver, errorFields, pageError, proceed } from "./authorize-flow.js";

type Body = Record<string, unknown> | undefined;

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Takes the parked request a form names (single use); a stale or replayed flow is Entra's page. */
function takeFlow(state: EmulatorState, body: Body): AuthorizeRequest {
  const auth = state.unpark(text(body?.flow) ?? "");
  if (!auth) {
    throw pageError(
      9002313,
      "invalid_request",
      "Invalid request. The sign-in request has expired or was already used. Go back to the application and sign in again.",
    );
  }
  return auth;
}

const declined = () => new AadError("access_denied", 65004, "User declined to consent to access the app.");

/**
 * The interactive steps' form targets: `/{tenant}/login` (the account picker: `flow` + `user` or
 * `action=cancel`) and `/{tenant}/consent` (`flow` + `action=accept|cancel`). Both carry only the
 * server-side flow id; the user and scopes of the consent step come from the parked request.
 */
export function registerLoginRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post<{ Params: { tenant: string }; Body: Body }>("/:tenant/login", async (request, reply) => {
    const auth = takeFlow(state, request.body);
    if (auth.userId)
      throw pageError(9002313, "invalid_request", "Invalid request. The account was already chosen.");
    if (text(request.body?.action) === "cancel") {
      return deliver(reply, auth, errorFields(state, request, declined(), auth.state));
    }
    const user = state.findUser(text(request.body?.user) ?? "");
    if (!user) {
      throw pageError(
        50034,
        "invalid_request",
        "The user account does not exist in the directory. To sign into this application, the account must be added to the directory.",
      );
    }
    // Picking an account is signing in at Entra: the browser now has an SSO session.
    startSsoSession(state, request, reply, user);
    return proceed(state, request, reply, request.params.tenant, auth, user);
  });

  app.post<{ Params: { tenant: string }; Body: Body }>("/:tenant/consent", async (request, reply) => {
    const auth = takeFlow(state, request.body);
    const user = auth.userId ? state.findUser(auth.userId) : undefined;
    if (!user || !auth.consent) {
      throw pageError(
        9002313,
        "invalid_request",
        "Invalid request. This sign-in is not waiting for consent.",
      );
    }
    if (text(request.body?.action) !== "accept") {
      return deliver(reply, auth, errorFields(state, request, declined(), auth.state));
    }
    recordUserConsent(state, auth.client, user.id, auth.consent);
    return completeSignIn(state, request, reply, auth, user);
  });
}
