import { ManagedIdentityApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { readAssertionFile, TOKEN_EXCHANGE_RESOURCE } from "../../auth/client-credential.js";
import type { FederatedCredential } from "../../config-entra.js";
import { type CheckResult, result } from "../check.js";

const ID = "credential";

/**
 * A secretless credential, before Entra sees it: the token file is readable, a JWT for
 * api://AzureADTokenExchange that is valid now (Entra then matches its iss/sub to a federated
 * credential: the client-credential check that follows); a managed identity has an endpoint.
 */
export async function checkFederatedCredential(
  credential: FederatedCredential,
  env: Readonly<Record<string, string | undefined>>,
  now: Date,
): Promise<CheckResult> {
  if (credential.kind === "managed-identity") return checkManagedIdentity(credential.clientId);
  const title = "Federated token file (workload identity)";
  const variable = env.ENTRA_CLIENT_ASSERTION_FILE
    ? "ENTRA_CLIENT_ASSERTION_FILE"
    : "AZURE_FEDERATED_TOKEN_FILE";
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(await readAssertionFile(credential.path));
  } catch {
    return result(
      ID,
      title,
      "fail",
      `${variable}=${credential.path} is not a readable JWT.`,
      "Point it at the projected service account token (AKS mounts it at /var/run/secrets/azure/tokens/azure-identity-token).",
    );
  }
  const seen = `issuer ${String(claims.iss)}, subject ${String(claims.sub)}`;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(TOKEN_EXCHANGE_RESOURCE)) {
    return result(
      ID,
      title,
      "fail",
      `The token's audience is ${audiences.join(", ")}, not ${TOKEN_EXCHANGE_RESOURCE} (${seen}).`,
      `Project the service account token with audience ${TOKEN_EXCHANGE_RESOURCE} (AKS workload identity does).`,
    );
  }
  if (typeof claims.exp === "number" && claims.exp * 1000 <= now.getTime()) {
    return result(
      ID,
      title,
      "fail",
      `The token in ${credential.path} expired at ${new Date(claims.exp * 1000).toISOString()} (${seen}): Entra answers AADSTS700024.`,
      "The platform must keep rewriting the file (kubelet does for projected tokens): check the pod's volume; never copy the token elsewhere.",
    );
  }
  return result(
    ID,
    title,
    "pass",
    `${variable} holds a token for ${TOKEN_EXCHANGE_RESOURCE} (${seen}); it is re-read at every token request. The app registration needs a federated credential with exactly this issuer and subject.`,
  );
}

function checkManagedIdentity(clientId: string | undefined): CheckResult {
  const which = clientId ? `user-assigned managed identity ${clientId}` : "system-assigned managed identity";
  const source = new ManagedIdentityApplication(
    clientId ? { managedIdentityIdParams: { userAssignedClientId: clientId } } : {},
  ).getManagedIdentitySource();
  return result(
    ID,
    "Managed identity (federated credential)",
    "pass",
    `The ${which}'s token for ${TOKEN_EXCHANGE_RESOURCE} comes from the ${source} endpoint and is sent as the client assertion. The app registration needs a federated credential with issuer https://login.microsoftonline.com/<tenant id>/v2.0 and the identity's object (principal) id as subject.`,
  );
}
