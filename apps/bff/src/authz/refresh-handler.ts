import type { IdTokenExpectations, IdTokenVerifier } from "../auth/id-token.js";
import type { TokenOwner } from "../auth/token-service.js";
import { ReauthRequiredError } from "../errors.js";
import type { SessionAuthorization } from "./session-authorization.js";
import { refreshedAuthorization } from "./sign-in-authorization.js";

export interface RefreshHandlerOptions {
  authorization: SessionAuthorization;
  verifier: () => Promise<IdTokenVerifier>;
  /** Issuer, client id and tenant the ID token must name (no nonce at refresh). */
  expectations: () => Promise<Omit<IdTokenExpectations, "nonce">>;
  filter: ReadonlySet<string> | undefined;
  /** How long the refreshed authorization lives unless a session touch extends it (the idle timeout). */
  ttlMs: number;
}

/**
 * TokenService's `onIdToken`: verifies the ID token a refresh returned and records its roles and
 * groups for the session, so a role removed in Entra stops working at the next refresh.
 * An ID token that fails verification ends the session (sign in again).
 */
export function authorizationRefreshHandler(o: RefreshHandlerOptions) {
  return async (owner: TokenOwner, idToken: string): Promise<void> => {
    const [verify, expected] = await Promise.all([o.verifier(), o.expectations()]);
    let claims: Awaited<ReturnType<IdTokenVerifier>>;
    try {
      claims = await verify(idToken, { ...expected, nonce: undefined, fromTokenEndpoint: true });
    } catch (error) {
      throw new ReauthRequiredError("the refreshed ID token failed verification", { cause: error });
    }
    const previous = (await o.authorization.bySessionId(owner.cacheKey)) ?? { roles: [], groups: [] };
    await o.authorization.save(owner.cacheKey, refreshedAuthorization(claims, previous, o.filter), o.ttlMs);
  };
}
