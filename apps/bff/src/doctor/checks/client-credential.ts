import { AuthError } from "@azure/msal-node";
import pino from "pino";
import { explainAadsts, parseAadstsCode } from "../../auth/aadsts.js";
import { createMsalClientFactory } from "../../auth/msal-client.js";
import type { EntraSettings } from "../../config.js";
import { type Check, result } from "../check.js";
import { looksLikeSecretId } from "./credential.js";

const TITLE = "Client credential accepted by Entra ID";
const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "certificate",
  "assertion-file": "federated token file (workload identity)",
  "managed-identity": "managed identity token (federated credential)",
} as const;

/**
 * The `.default` scope of the configured Graph: app-only tokens name the resource, not a
 * permission. The emulator stands in for the global Graph resource.
 */
export function graphDefaultScope(idp: EntraSettings): string {
  return idp.emulator
    ? "https://graph.microsoft.com/.default"
    : `${new URL(idp.graphBaseUrl).origin}/.default`;
}

/**
 * Proves Entra accepts the app's secret or certificate with a client-credentials token request,
 * sent by MSAL exactly as the BFF sends its credential at sign-in. The token is discarded.
 */
export const checkClientCredential: Check = async ({ idp, metadata }) => {
  const what = CREDENTIAL_NAMES[idp.credential.kind];
  if (!metadata) {
    return result("client-credential", TITLE, "skip", "Skipped: the tenant's OpenID metadata did not load.");
  }
  const client = createMsalClientFactory(idp, metadata, pino({ level: "silent" }))();
  try {
    const token = await client.acquireTokenByClientCredential({
      scopes: [graphDefaultScope(idp)],
      skipCache: true,
    });
    if (!token?.accessToken) throw new Error("the token response had no access token");
    return result("client-credential", TITLE, "pass", `Entra ID accepted the ${what} of ${idp.clientId}.`);
  } catch (error) {
    const message =
      error instanceof AuthError ? error.errorMessage : error instanceof Error ? error.message : "";
    const code = parseAadstsCode(message);
    const explained = explainAadsts(code);
    if (explained) {
      const secretId =
        code === 7000215 && idp.credential.kind === "secret" && looksLikeSecretId(idp.credential.secret)
          ? " ENTRA_CLIENT_SECRET looks like the Secret ID, not the secret's Value."
          : "";
      return result(
        "client-credential",
        TITLE,
        "fail",
        `AADSTS${code} (${explained.name}): ${explained.cause}${secretId}`,
        explained.fix,
      );
    }
    const reason = code ? `AADSTS${code}: ${firstLine(message)}` : firstLine(message) || "unknown error";
    return result(
      "client-credential",
      TITLE,
      "fail",
      `The token request with the ${what} failed: ${reason}`,
      code
        ? `Look the code up at https://login.microsoftonline.com/error?code=${code}.`
        : "Check the network to the token endpoint and the credential settings.",
    );
  }
};

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? "").slice(0, 300);
}
