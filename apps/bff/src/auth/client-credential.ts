import { readFile } from "node:fs/promises";
import { ManagedIdentityApplication, type NodeAuthOptions } from "@azure/msal-node";
import type { ClientCredential } from "../config.js";

/** The audience Entra requires of a managed identity token used as a federated credential. */
export const TOKEN_EXCHANGE_RESOURCE = "api://AzureADTokenExchange";

type CredentialOptions = Pick<NodeAuthOptions, "clientSecret" | "clientCertificate" | "clientAssertion">;

/**
 * MSAL's credential options. The secretless ones are callbacks, which MSAL calls for every token
 * request (authorization code and refresh alike), so a rotated token file is read anew each time:
 * a cached copy would expire (AADSTS700024), and none at refresh is AADSTS7000218.
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation
 */
export function msalCredential(credential: ClientCredential): CredentialOptions {
  switch (credential.kind) {
    case "secret":
      return { clientSecret: credential.secret };
    case "certificate":
      return {
        clientCertificate: {
          thumbprintSha256: credential.thumbprintSha256,
          privateKey: credential.privateKey,
          x5c: credential.x5c,
        },
      };
    case "assertion-file":
      return { clientAssertion: () => readAssertionFile(credential.path) };
    case "managed-identity": {
      const identity = managedIdentityAssertion(credential.clientId);
      return { clientAssertion: () => identity() };
    }
  }
}

/** The platform's current token (Kubernetes rewrites the file before the old one expires). */
export async function readAssertionFile(path: string): Promise<string> {
  const assertion = (await readFile(path, "utf8")).trim();
  if (!assertion) throw new Error(`the federated token file ${path} is empty`);
  return assertion;
}

/**
 * A managed identity token for api://AzureADTokenExchange, from whichever endpoint the platform
 * offers (IMDS, App Service, …; MSAL picks it from the environment). MSAL caches it until near
 * its expiry. `clientId`: a user-assigned identity; none: the system-assigned one.
 */
export function managedIdentityAssertion(clientId?: string): () => Promise<string> {
  const app = new ManagedIdentityApplication(
    clientId ? { managedIdentityIdParams: { userAssignedClientId: clientId } } : {},
  );
  return async () => (await app.acquireToken({ resource: TOKEN_EXCHANGE_RESOURCE })).accessToken;
}
