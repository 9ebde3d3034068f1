import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticateClient } from "../client-auth.js";
import { AadError } from "../errors.js";
import { redeemAuthorizationCode } from "../grants/authorization-code.js";
import { clientCredentials } from "../grants/client-credentials.js";
import { redeemRefreshToken } from "../grants/refresh-token.js";
import type { EmulatorState } from "../state.js";

const GRANTS = {
  authorization_code: redeemAuthorizationCode,
  refresh_token: redeemRefreshToken,
  client_credentials: clientCredentials,
} as const;

/** The `suberror` Entra sends with these codes (MSAL decides "interaction required" from it). */
const DEFAULT_SUBERROR: Record<number, string> = {
  50076: "basic_action",
  65001: "consent_required",
  700082: "bad_token",
  700084: "bad_token",
  9002313: "bad_token",
};

/** The form fields as strings; a non-form body (e.g. JSON) counts as empty, as at Entra. */
function formOf(request: FastifyRequest): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  const isForm = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  if (!isForm || typeof request.body !== "object" || request.body === null) return form;
  for (const [k, v] of Object.entries(request.body)) if (typeof v === "string") form[k] = v;
  return form;
}

/** `POST /{tenant}/oauth2/v2.0/token`: client authentication, then one handler per grant type. */
export function registerTokenRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post<{ Params: { tenant: string } }>("/:tenant/oauth2/v2.0/token", async (request, reply) => {
    const scope = state.resolveTenant(request.params.tenant);
    const form = formOf(request);
    const grantType = form.grant_type;
    request.emulatorLog.grantType = grantType;
    request.emulatorLog.clientId = form.client_id;
    const queued = state.takeQueuedError("token", grantType);
    if (queued) {
      const suberror = queued.suberror ?? DEFAULT_SUBERROR[queued.aadsts];
      throw new AadError(
        queued.error ?? "invalid_grant",
        queued.aadsts,
        queued.description ?? "Error injected by the emulator's control API.",
        { ...(suberror ? { suberror } : {}), ...(queued.claims ? { claims: queued.claims } : {}) },
      );
    }
    if (!grantType) {
      throw new AadError(
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    const { client } = await authenticateClient(state, scope, form, request.headers.authorization);
    request.emulatorLog.clientId = client.clientId;
    const grant = GRANTS[grantType as keyof typeof GRANTS];
    if (!grant || !Object.hasOwn(GRANTS, grantType)) {
      throw new AadError(
        "unsupported_grant_type",
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const body = await grant(state, client, form);
    reply
      .header("cache-control", "no-store")
      .header("pragma", "no-cache")
      .type("application/json; charset=utf-8");
    return body;
  });
}
