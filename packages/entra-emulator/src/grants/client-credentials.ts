import type { ClientRegistration } from "../config.js";
import { AadError } from "../errors.js";
import { parseAppScope } from "../scopes.js";
import type { EmulatorState } from "../state.js";
import { issueGraphAccessToken } from "../tokens.js";

/** `grant_type=client_credentials`: an app-only Graph token (no refresh or ID token). */
export async function clientCredentials(
  state: EmulatorState,
  client: ClientRegistration,
  form: Record<string, string | undefined>,
) {
  if (!form.scope) {
    throw new AadError(
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  parseAppScope(form.scope);
  return {
    token_type: "Bearer" as const,
    expires_in: state.lifetimes.accessTokenSeconds,
    ext_expires_in: state.lifetimes.accessTokenSeconds,
    access_token: await issueGraphAccessToken(state, client.clientId, client.displayName, { roles: [] }),
  };
}
