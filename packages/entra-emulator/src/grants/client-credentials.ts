import type { ClientRegistration } from "../config-types.js";
import { AadError } from "../errors.js";
import { GRAPH_RESOURCE, parseAppScope } from "../scopes.js";
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
  // The emulator is Graph at its own origin (discovery's msgraph_host): an app naming that resource,
  // as one names its cloud's Graph host on Entra (GRAPH_BASE_URL/.default), asks for Graph.
  const ownGraph = `${state.baseUrl}/.default`.toLowerCase();
  parseAppScope(form.scope.trim().toLowerCase() === ownGraph ? `${GRAPH_RESOURCE}/.default` : form.scope);
  return {
    token_type: "Bearer" as const,
    expires_in: state.lifetimes.accessTokenSeconds,
    ext_expires_in: state.lifetimes.accessTokenSeconds,
    access_token: await issueGraphAccessToken(state, client.clientId, client.displayName, { roles: [] }),
  };
}
