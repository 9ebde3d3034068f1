import { type LogoutTokenOptions, mintLogoutToken, sendBackchannelLogout } from "./backchannel.js";
import type { TokenLifetimes } from "./config-types.js";
import { replaceUserConsent } from "./consent.js";
import { mintWorkloadAssertion, setUserRoles, type WorkloadAssertionOptions } from "./control-directory.js";
import { ControlInputError } from "./control-error.js";
import { canonicalPermission, OIDC_SCOPES, sameScope } from "./scopes.js";
import {
  type EmulatorState,
  type GrantType,
  type GraphFault,
  HOSTILE_ID_TOKEN_KINDS,
  type HostileIdTokenKind,
  type QueuedError,
  type RequestLogEntry,
} from "./state.js";

export { ControlInputError } from "./control-error.js";

const GRANT_TYPES: readonly GrantType[] = ["authorization_code", "refresh_token", "client_credentials"];

/**
 * The test-control operations, shared by the library methods and the `/_emulator/*` HTTP mirror,
 * each validating its input so both surfaces fail the same clear way.
 */
export class Controls {
  constructor(private readonly state: EmulatorState) {}

  queueError(
    endpoint: "authorize" | "token",
    aadsts: number,
    options: {
      error?: string;
      description?: string;
      grantType?: GrantType;
      suberror?: string;
      claims?: string;
    } = {},
  ): void {
    if (endpoint !== "authorize" && endpoint !== "token") {
      throw new ControlInputError('endpoint must be "authorize" or "token"');
    }
    if (!Number.isInteger(aadsts) || aadsts <= 0)
      throw new ControlInputError("aadsts must be a positive integer");
    if (options.grantType !== undefined && !GRANT_TYPES.includes(options.grantType)) {
      throw new ControlInputError(`grantType must be one of ${GRANT_TYPES.join(", ")}`);
    }
    const queued: QueuedError = { endpoint, aadsts };
    if (typeof options.error === "string") queued.error = options.error;
    if (typeof options.description === "string") queued.description = options.description;
    if (options.grantType !== undefined) queued.grantType = options.grantType;
    if (typeof options.suberror === "string") queued.suberror = options.suberror;
    if (options.claims !== undefined) {
      if (typeof options.claims !== "string") throw new ControlInputError("claims must be a JSON string");
      try {
        JSON.parse(options.claims);
      } catch {
        throw new ControlInputError("claims must be a JSON string");
      }
      queued.claims = options.claims;
    }
    this.state.queuedErrors.push(queued);
  }

  graphFault(fault: GraphFault | null): void {
    if (fault === null) {
      this.state.graphFault = null;
      return;
    }
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count <= 0)
      throw new ControlInputError("count must be a positive integer");
    if ("delayMs" in fault) {
      if (!Number.isFinite(fault.delayMs) || fault.delayMs < 0 || fault.delayMs > 120_000) {
        throw new ControlInputError("delayMs must be between 0 and 120000");
      }
    } else if (![429, 500, 503].includes(fault.status)) {
      throw new ControlInputError("status must be 429, 500 or 503");
    }
    this.state.graphFault = { ...fault, remaining: count };
  }

  revokeRefreshTokens(userIdOrUpn: string): void {
    const user = this.state.findUser(userIdOrUpn);
    if (!user) throw new ControlInputError(`no such user: ${userIdOrUpn}`);
    this.state.revokeWhere((rt) => rt.userId === user.id);
    for (const [id, session] of this.state.ssoSessions)
      if (session.userId === user.id) this.state.ssoSessions.delete(id);
  }

  /**
   * Sets what `user` has consented to for a client (default: the first), as if they had clicked
   * Accept — or, with `[]`, revoked it; admin consent from the configuration is untouched.
   */
  setUserConsent(userIdOrUpn: string, scopes: string[], clientId?: string): void {
    const user = this.state.findUser(userIdOrUpn);
    if (!user) throw new ControlInputError(`no such user: ${userIdOrUpn}`);
    const client = clientId ? this.state.findClient(clientId) : this.state.config.clients[0];
    if (!client) throw new ControlInputError(`no such client: ${clientId}`);
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string")) {
      throw new ControlInputError("scopes must be an array of strings");
    }
    const canonical = scopes.map((scope) => {
      const known = canonicalPermission(scope);
      const allowed = scope.startsWith("api://")
        ? client.permissions?.some((p) => sameScope(p, scope))
        : known !== undefined;
      if (!known || !allowed) {
        throw new ControlInputError(
          `unknown scope "${scope}" (api:// scopes must be configured on the client)`,
        );
      }
      return known;
    });
    replaceUserConsent(
      this.state,
      client,
      user.id,
      canonical.filter((s) => !OIDC_SCOPES.includes(s)),
    );
  }

  /** Replaces the roles assigned directly to a user on a client (default: the first). */
  setUserRoles(userIdOrUpn: string, roles: string[], clientId?: string): void {
    setUserRoles(this.state, userIdOrUpn, roles, clientId);
  }

  /** A signed token of the built-in external issuer, for a federated `client_assertion`. */
  mintWorkloadAssertion(options?: WorkloadAssertionOptions): Promise<string> {
    return mintWorkloadAssertion(this.state, options);
  }

  /** An OIDC back-channel logout token for a user's session (see {@link LogoutTokenOptions}). */
  logoutToken(options?: LogoutTokenOptions): Promise<string> {
    return mintLogoutToken(this.state, options);
  }

  /** Sends a back-channel logout token to `url` as a form POST; resolves the app's answer. */
  sendBackchannelLogout(url: string, options?: LogoutTokenOptions & { logoutToken?: string }) {
    return sendBackchannelLogout(this.state, url, options);
  }

  setTokenLifetimes(lifetimes: Partial<TokenLifetimes>): void {
    const next = { ...this.state.lifetimes };
    for (const key of Object.keys(next) as (keyof TokenLifetimes)[]) {
      const value = lifetimes[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value <= 0)
        throw new ControlInputError(`${key} must be a positive integer`);
      next[key] = value;
    }
    this.state.lifetimes = next;
  }

  advanceClock(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new ControlInputError("seconds must be a number");
    this.state.clockOffsetSeconds += Math.trunc(seconds);
  }

  rotateKeys(options: { keepOld?: boolean } = {}): void {
    this.state.keys.rotate(options.keepOld ?? true);
  }

  issueHostileIdToken(kind: HostileIdTokenKind): void {
    if (!HOSTILE_ID_TOKEN_KINDS.includes(kind)) {
      throw new ControlInputError(`kind must be one of ${HOSTILE_ID_TOKEN_KINDS.join(", ")}`);
    }
    this.state.hostileIdToken = kind;
  }

  requests(filter: { path?: string; grantType?: string } = {}): RequestLogEntry[] {
    return this.state.log.filter(
      (entry) =>
        (filter.path === undefined || entry.path === filter.path || entry.path.endsWith(filter.path)) &&
        (filter.grantType === undefined || entry.grantType === filter.grantType),
    );
  }

  reset(): void {
    this.state.reset();
  }
}
