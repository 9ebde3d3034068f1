import { InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import { InteractionNeededError } from "../errors.js";
import { parseAadstsCode } from "./aadsts.js";

/**
 * Entra's consent_required (AADSTS65001, an unconsented scope) or a claims challenge, which MSAL
 * raises as InteractionRequiredAuthError: an interactive step fixes it, a new session is not needed.
 */
export function interactionNeeded(error: unknown, scopes: string[]): InteractionNeededError | undefined {
  if (!(error instanceof InteractionRequiredAuthError)) return undefined;
  if (error.claims)
    return new InteractionNeededError("step_up_required", scopes, error.claims, { cause: error });
  const aadsts = parseAadstsCode(error.errorMessage);
  if (error.subError === "consent_required" || error.errorCode === "consent_required" || aadsts === 65001) {
    return new InteractionNeededError("consent_required", scopes, undefined, { cause: error });
  }
  return undefined;
}

/** invalid_grant, interaction_required, consent_required…: only a new sign-in helps. */
export function isDeadGrant(error: unknown): boolean {
  if (error instanceof InteractionRequiredAuthError) return true;
  if (error instanceof ServerError) {
    return ["invalid_grant", "interaction_required", "consent_required", "login_required"].includes(
      error.errorCode,
    );
  }
  return false;
}
