import { explainAadsts, parseAadstsCode } from "../../auth/aadsts.js";
import type { OidcMetadata } from "../../auth/idp-metadata.js";
import { type Check, result } from "../check.js";
import { describeNetworkError } from "../network-error.js";

const TITLE = "OpenID metadata of the tenant";
const REQUIRED = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const;

/** The discovery document URL the BFF loads at start-up. */
export function discoveryUrl(authorityHost: string, tenantId: string): string {
  return `${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
}

/**
 * Fetches the tenant's OpenID configuration, telling a network failure (DNS, refused, timeout, TLS)
 * apart from Entra answering that the tenant does not exist (AADSTS90002). Stores the document
 * in the context for the credential check.
 */
export const checkOidcMetadata: Check = async (context) => {
  const { idp, timeoutMs } = context;
  const url = discoveryUrl(idp.authorityHost, idp.tenantId);
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
    });
  } catch (error) {
    const problem = describeNetworkError(error, url, timeoutMs);
    return result("oidc-metadata", TITLE, "fail", `${problem.detail} (${url})`, problem.fix);
  }
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const description = typeof body?.error_description === "string" ? body.error_description : undefined;
    const code = parseAadstsCode(description);
    const explained = explainAadsts(code);
    if (explained) {
      const tenant = code === 90002 ? `Tenant "${idp.tenantId}" was not found at ${idp.authorityHost}. ` : "";
      return result(
        "oidc-metadata",
        TITLE,
        "fail",
        `${tenant}AADSTS${code}: ${explained.cause}`,
        explained.fix,
      );
    }
    return result(
      "oidc-metadata",
      TITLE,
      "fail",
      `${url} answered HTTP ${response.status}${description ? `: ${firstLine(description)}` : ""}.`,
      "Check ENTRA_AUTHORITY_HOST (it must be the sign-in host, e.g. https://login.microsoftonline.com) and ENTRA_TENANT_ID.",
    );
  }
  const missing = REQUIRED.filter((field) => typeof body?.[field] !== "string");
  if (!body || missing.length > 0) {
    return result(
      "oidc-metadata",
      TITLE,
      "fail",
      `${url} did not return an OpenID configuration (missing ${missing.join(", ") || "a JSON body"}).`,
      "ENTRA_AUTHORITY_HOST must be a Microsoft Entra sign-in host, such as https://login.microsoftonline.com.",
    );
  }
  context.metadata = body as OidcMetadata;
  return result("oidc-metadata", TITLE, "pass", `Loaded; issuer ${String(body.issuer)}.`);
};

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? "").slice(0, 300);
}
