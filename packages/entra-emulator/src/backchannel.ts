import { randomUUID } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";
import { ControlInputError } from "./control-error.js";
import { generateSigningKey } from "./keys.js";
import { latestSsoSessionOf } from "./sso.js";
import type { EmulatorState } from "./state.js";
import { pairwiseSub } from "./tokens.js";

/**
 * OIDC Back-Channel Logout 1.0 logout tokens, signed with the tenant key. Entra ID does not send
 * these; the emulator does on request so an app's back-channel endpoint can be tested against an
 * IdP it already trusts. Options let a test break one property at a time.
 */

export const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

export interface LogoutTokenOptions {
  /** The app (`aud`); default the first client. */
  clientId?: string;
  /** The user (id or UPN): `sub` (the app's pairwise subject) and, unless `sid` is given, the sid of their latest SSO session. */
  user?: string;
  /** The session id (`sid`) to end. */
  sid?: string;
  /** Claims to set (a value) or drop (null), e.g. `{ nonce: "x" }`, `{ events: null }`. */
  claims?: Record<string, unknown>;
  /** `typ` header; default `logout+jwt`, null leaves it out. */
  typ?: string | null;
  /** Sign with a key the tenant never published (a forged token). Default false. */
  foreignKey?: boolean;
}

export async function mintLogoutToken(
  state: EmulatorState,
  options: LogoutTokenOptions = {},
): Promise<string> {
  if (options.clientId !== undefined && typeof options.clientId !== "string") {
    throw new ControlInputError("clientId must be a string");
  }
  const client = options.clientId ? state.findClient(options.clientId) : state.config.clients[0];
  if (!client) throw new ControlInputError(`no such client: ${String(options.clientId)}`);
  const user = options.user === undefined ? undefined : state.findUser(String(options.user));
  if (options.user !== undefined && !user)
    throw new ControlInputError(`no such user: ${String(options.user)}`);
  if (options.sid !== undefined && (typeof options.sid !== "string" || options.sid === "")) {
    throw new ControlInputError("sid must be a non-empty string");
  }
  const sid = options.sid ?? (user ? latestSsoSessionOf(state, user.id, client.clientId)?.sid : undefined);
  if (!sid && !user) throw new ControlInputError("a logout token needs a user (sub) or a sid");
  if (options.claims !== undefined && (typeof options.claims !== "object" || options.claims === null)) {
    throw new ControlInputError("claims must be an object");
  }
  const tenantId = user ? state.directory.tenantOf(user).id : state.tenantId;
  const now = state.now();
  const claims: JWTPayload = {
    iss: state.issuerFor(tenantId),
    aud: client.clientId,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    events: { [BACKCHANNEL_EVENT]: {} },
  };
  if (user) claims.sub = pairwiseSub(user.id, client.clientId);
  if (sid) claims.sid = sid;
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  const key = options.foreignKey
    ? { ...generateSigningKey(), kid: state.keys.current.kid }
    : state.keys.current;
  const typ = options.typ === undefined ? "logout+jwt" : options.typ;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.kid, ...(typ === null ? {} : { typ }) })
    .sign(key.privateKey);
}

/** POSTs `logout_token` (form-encoded) to an app's back-channel logout URL; returns its answer. */
export async function sendBackchannelLogout(
  state: EmulatorState,
  url: string,
  options: LogoutTokenOptions & { logoutToken?: string } = {},
): Promise<{ status: number; body: string }> {
  if (typeof url !== "string" || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ControlInputError("url must be an http(s) URL");
  }
  if (options.logoutToken !== undefined && typeof options.logoutToken !== "string") {
    throw new ControlInputError("logoutToken must be a string");
  }
  const logoutToken = options.logoutToken ?? (await mintLogoutToken(state, options));
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: logoutToken }),
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (cause) {
    throw new ControlInputError(`could not POST to ${url}: ${(cause as Error).message}`);
  }
  return { status: response.status, body: (await response.text()).slice(0, 4000) };
}
