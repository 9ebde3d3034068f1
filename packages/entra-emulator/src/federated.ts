import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from "jose";
import { checkAssertionTimes } from "./assertion-time.js";
import type { ClientRegistration, FederatedCredential } from "./config-types.js";
import { AadError } from "./errors.js";
import type { EmulatorState } from "./state.js";

/**
 * Workload identity federation: a client trusts tokens of an external issuer for one subject and
 * audience (a federated identity credential), and accepts them as its `client_assertion`.
 */

const DOCS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation";
const CHECK = `Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${DOCS}`;
const ALGORITHMS = ["RS256", "PS256", "ES256"];
/** Path of the emulator's built-in external issuer (a stand-in for Kubernetes, GitHub, …). */
export const WORKLOAD_ISSUER_PATH = "/workload-issuer";

export function workloadIssuer(state: EmulatorState): string {
  return `${state.baseUrl}${WORKLOAD_ISSUER_PATH}`;
}

/** A credential's issuer with `{emulator}` replaced by the emulator's base URL. */
export function credentialIssuer(state: EmulatorState, credential: FederatedCredential): string {
  return credential.issuer.replaceAll("{emulator}", state.baseUrl);
}

/** Remote key sets per emulator and issuer (jose caches and refreshes the keys inside each). */
const remoteKeySets = new WeakMap<EmulatorState, Map<string, JWTVerifyGetKey>>();

/** The issuer's keys: the emulator's own, the credential's `jwks`, or the issuer's published JWKS. */
async function issuerKeys(
  state: EmulatorState,
  credential: FederatedCredential,
  issuer: string,
): Promise<JWTVerifyGetKey> {
  if (issuer === workloadIssuer(state)) return createLocalJWKSet(state.workloadKeys.jwks(issuer));
  if (state.directory.tenants.some((t) => state.issuerFor(t.id) === issuer)) {
    return createLocalJWKSet(state.keys.jwks(issuer));
  }
  if (credential.jwks) return createLocalJWKSet(credential.jwks);
  const known = remoteKeySets.get(state) ?? new Map<string, JWTVerifyGetKey>();
  remoteKeySets.set(state, known);
  const cached = known.get(issuer);
  if (cached) return cached;
  const discovery = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { jwks_uri?: unknown };
  if (!response.ok || typeof body.jwks_uri !== "string") throw new Error(`no jwks_uri at ${discovery}`);
  const keySet = createRemoteJWKSet(new URL(body.jwks_uri));
  known.set(issuer, keySet);
  return keySet;
}

function audiencesOf(claims: JWTPayload): string[] {
  if (Array.isArray(claims.aud)) return claims.aud;
  return typeof claims.aud === "string" ? [claims.aud] : [];
}

/**
 * Verifies a federated `client_assertion` as Entra does, in its order: a credential for the issuer
 * (AADSTS700211; 70021 when the app has none at all), the issuer's signature (700027), the time
 * window (700024), the subject (700213) and the audience (700212).
 */
export async function verifyFederatedAssertion(
  state: EmulatorState,
  client: ClientRegistration,
  assertion: string,
  header: ProtectedHeaderParameters,
  claims: JWTPayload,
): Promise<void> {
  const credentials = client.federatedCredentials ?? [];
  const iss = String(claims.iss ?? "");
  const sub = String(claims.sub ?? "");
  const audiences = audiencesOf(claims);
  if (credentials.length === 0) {
    throw new AadError(
      "invalid_request",
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${audiences.join(",")}'. ${DOCS}`,
    );
  }
  const byIssuer = credentials.filter((c) => credentialIssuer(state, c) === iss);
  const first = byIssuer[0];
  if (!first) {
    throw new AadError(
      "invalid_client",
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. Please note that the matching is done using a case-sensitive comparison. ${CHECK}`,
    );
  }
  if (!ALGORITHMS.includes(String(header.alg))) {
    throw new AadError(
      "invalid_client",
      5002738,
      `Invalid JWT token. '${String(header.alg)}' is not a supported signature algorithm.`,
    );
  }
  try {
    await compactVerify(assertion, await issuerKeys(state, first, iss), { algorithms: ALGORITHMS });
  } catch {
    throw new AadError(
      "invalid_client",
      700027,
      "Client assertion failed signature validation. The signing key was not found at the issuer, or the signature does not match.",
    );
  }
  checkAssertionTimes(state, claims);
  const bySubject = byIssuer.filter((c) => c.subject === sub);
  if (bySubject.length === 0) {
    throw new AadError(
      "invalid_client",
      700213,
      `No matching federated identity record found for presented assertion subject '${sub}'. ${CHECK}`,
    );
  }
  if (!bySubject.some((c) => c.audiences.some((a) => audiences.includes(a)))) {
    throw new AadError(
      "invalid_client",
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(",")}'. Please note that the matching is done using a case-sensitive comparison. ${CHECK}`,
    );
  }
}
