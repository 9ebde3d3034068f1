import { createHash, timingSafeEqual, X509Certificate } from "node:crypto";
import { compactVerify, decodeJwt, decodeProtectedHeader } from "jose";
import { checkAssertionTimes } from "./assertion-time.js";
import type { ClientRegistration } from "./config-types.js";
import { AadError } from "./errors.js";
import { verifyFederatedAssertion } from "./federated.js";
import type { EmulatorState, TenantScope } from "./state.js";
import { appNotFound, checkClientAvailable } from "./tenancy.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic" | "private_key_jwt";

type Form = Record<string, string | undefined>;

function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

/** Parses `Authorization: Basic` (RFC 6749 §2.3.1: both parts form-urlencoded). */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0)
    throw new AadError(
      "invalid_client",
      7000216,
      "The client credentials in the Authorization header are malformed.",
    );
  const decode = (s: string) => decodeURIComponent(s.replaceAll("+", " "));
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

interface RegisteredCert {
  x5t: string;
  x5tS256: string;
  cert: X509Certificate;
}

const certCache = new WeakMap<ClientRegistration, RegisteredCert[]>();

function registeredCerts(client: ClientRegistration): RegisteredCert[] {
  let certs = certCache.get(client);
  if (!certs) {
    certs = client.certificates.map((pem) => {
      const cert = new X509Certificate(pem);
      return {
        cert,
        x5t: createHash("sha1").update(cert.raw).digest("base64url"),
        x5tS256: createHash("sha256").update(cert.raw).digest("base64url"),
      };
    });
    certCache.set(client, certs);
  }
  return certs;
}

/** Verifies a certificate `client_assertion` as Entra does (RS256/PS256, x5t, aud, exp, jti once). */
async function verifyAssertion(
  state: EmulatorState,
  client: ClientRegistration,
  assertion: string,
  tokenEndpoint: string,
): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw new AadError("invalid_client", 50027, "JWT token is invalid or malformed.");
  }
  // No certificate thumbprint and someone else's issuer: a federated (workload identity) token.
  if (header.x5t === undefined && header["x5t#S256"] === undefined && claims.iss !== client.clientId) {
    return verifyFederatedAssertion(state, client, assertion, header, claims);
  }
  if (header.alg !== "RS256" && header.alg !== "PS256") {
    throw new AadError(
      "invalid_client",
      5002738,
      `Invalid JWT token. '${String(header.alg)}' is not a supported signature algorithm.`,
    );
  }
  const thumbprint = header["x5t#S256"] ?? header.x5t;
  const registered = registeredCerts(client).find(
    (c) => (header["x5t#S256"] !== undefined ? c.x5tS256 : c.x5t) === thumbprint,
  );
  if (!registered || typeof thumbprint !== "string") {
    throw new AadError(
      "invalid_client",
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint ?? "")}']`,
    );
  }
  try {
    await compactVerify(assertion, registered.cert.publicKey, { algorithms: ["RS256", "PS256"] });
  } catch {
    throw new AadError("invalid_client", 700027, "Client assertion failed signature validation.");
  }
  if (claims.iss !== client.clientId || claims.sub !== client.clientId) {
    throw new AadError(
      "invalid_client",
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  // The endpoint called (tenant or alias) or the home tenant's, as MSAL may sign either.
  if (!audiences.includes(tokenEndpoint) && !audiences.includes(state.tokenEndpoint)) {
    throw new AadError(
      "invalid_client",
      700023,
      "Client assertion audience claim does not match Realm issuer.",
    );
  }
  checkAssertionTimes(state, claims);
  if (typeof claims.jti !== "string" || claims.jti === "") {
    throw new AadError("invalid_client", 700027, "Client assertion must contain a 'jti' claim.");
  }
  const jtiKey = `${client.clientId}|${claims.jti}`;
  if (client.singleUseAssertions && state.usedJtis.has(jtiKey)) {
    throw new AadError(
      "invalid_client",
      700027,
      "Client assertion contains a 'jti' that was already used (replay).",
    );
  }
  state.usedJtis.set(jtiKey, Number(claims.exp));
}

/**
 * Authenticates the confidential client at the token endpoint by `client_secret` (post or basic)
 * or certificate `client_assertion`, and returns its registration. Throws Entra's AADSTS errors.
 */
export async function authenticateClient(
  state: EmulatorState,
  scope: TenantScope,
  form: Form,
  authorization: string | undefined,
): Promise<{ client: ClientRegistration; method: ClientAuthMethod }> {
  const basic = parseBasic(authorization);
  if (basic && form.client_id && basic.id !== form.client_id) {
    throw new AadError(
      "invalid_request",
      9002313,
      "Invalid request. client_id in the body and the Authorization header differ.",
    );
  }
  const clientId = basic?.id ?? form.client_id;
  if (!clientId) {
    throw new AadError(
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const client = state.findClient(clientId);
  if (!client) throw appNotFound(clientId, scope.tenant?.displayName ?? scope.segment);
  checkClientAvailable(state, scope, client, "json");
  if (form.client_assertion !== undefined) {
    if (form.client_assertion_type !== ASSERTION_TYPE) {
      throw new AadError(
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'client_assertion_type'.",
      );
    }
    const tokenEndpoint = `${state.baseUrl}/${scope.segment}/oauth2/v2.0/token`;
    await verifyAssertion(state, client, form.client_assertion, tokenEndpoint);
    return { client, method: "private_key_jwt" };
  }
  const secret = basic?.secret ?? form.client_secret;
  if (secret === undefined) {
    throw new AadError(
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!client.clientSecrets.some((known) => sameSecret(known, secret))) {
    throw new AadError(
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
    );
  }
  return { client, method: basic ? "client_secret_basic" : "client_secret_post" };
}
