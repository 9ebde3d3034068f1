import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { TOKEN_EXCHANGE_AUDIENCE } from "./config-client.js";
import { ControlInputError } from "./control-error.js";
import { workloadIssuer } from "./federated.js";
import type { EmulatorState } from "./state.js";

/** Test controls over the directory: role assignments and the built-in external issuer. */

/** Replaces the app roles assigned directly to a user on a client (default: the first client). */
export function setUserRoles(
  state: EmulatorState,
  userIdOrUpn: string,
  roles: unknown,
  clientId?: string,
): void {
  const user = state.findUser(userIdOrUpn);
  if (!user) throw new ControlInputError(`no such user: ${userIdOrUpn}`);
  const client = clientId ? state.findClient(clientId) : state.config.clients[0];
  if (!client) throw new ControlInputError(`no such client: ${clientId}`);
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== "string")) {
    throw new ControlInputError("roles must be an array of role values");
  }
  const known = (client.appRoles ?? []).map((r) => r.value);
  const unknown = roles.find((r) => !known.includes(r));
  if (unknown !== undefined) {
    throw new ControlInputError(
      `unknown role "${unknown}" (the client defines: ${known.join(", ") || "none"})`,
    );
  }
  const others = (client.appRoleAssignments ?? []).filter((a) => a.principalId !== user.id);
  client.appRoleAssignments = [...others, ...roles.map((role: string) => ({ principalId: user.id, role }))];
}

export interface WorkloadAssertionOptions {
  /** Default: the subject the built-in client trusts (`system:serviceaccount:default:entra-bff`). */
  subject?: string;
  /** Default `api://AzureADTokenExchange`. */
  audience?: string;
  /** Default 3600 (a Kubernetes projected token lives an hour). */
  lifetimeSeconds?: number;
}

/**
 * A token of the emulator's built-in external issuer (`{url}/workload-issuer`, JWKS at
 * `{url}/workload-issuer/keys`), like the service-account token Kubernetes writes to
 * AZURE_FEDERATED_TOKEN_FILE: usable as a federated `client_assertion`.
 */
export async function mintWorkloadAssertion(
  state: EmulatorState,
  options: WorkloadAssertionOptions = {},
  defaultSubject = "system:serviceaccount:default:entra-bff",
): Promise<string> {
  const subject = options.subject ?? defaultSubject;
  const audience = options.audience ?? TOKEN_EXCHANGE_AUDIENCE;
  const lifetime = options.lifetimeSeconds ?? 3600;
  if (typeof subject !== "string" || subject === "")
    throw new ControlInputError("subject must be a non-empty string");
  if (typeof audience !== "string" || audience === "")
    throw new ControlInputError("audience must be a non-empty string");
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > 86_400) {
    throw new ControlInputError("lifetimeSeconds must be an integer between 1 and 86400");
  }
  const key = state.workloadKeys.current;
  const now = state.now();
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(workloadIssuer(state))
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + lifetime)
    .sign(key.privateKey);
}
