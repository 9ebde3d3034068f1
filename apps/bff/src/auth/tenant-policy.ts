import type { AllowedTenants } from "../config-entra.js";

/** True when a user of tenant `tid` may get a session (single-tenant apps: always; `tid` is checked with the ID token). */
export function tenantAllowed(tid: unknown, allowed: AllowedTenants | undefined): boolean {
  if (allowed === undefined || allowed === "*") return true;
  return typeof tid === "string" && allowed.includes(tid.toLowerCase());
}

/**
 * RFC 9207's `iss` in the callback: the tenant's issuer, or for a templated (multi-tenant) issuer
 * any tenant's — the ID token's `iss` must then be the very same.
 */
export function callbackIssuerMatches(iss: string, issuer: string): boolean {
  if (!issuer.includes("{tenantid}")) return iss === issuer;
  const [before, after] = issuer.split("{tenantid}") as [string, string];
  const tenant =
    iss.startsWith(before) && iss.endsWith(after) ? iss.slice(before.length, iss.length - after.length) : "";
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant);
}

/**
 * Microsoft Entra External ID (CIAM, `https://<subdomain>.ciamlogin.com`): discovery names the
 * issuer `https://<tenant id>.ciamlogin.com/<tenant id>/v2.0`, and tokens are also seen with the
 * subdomain host. Both forms are accepted for the configured tenant only (`tid` is still checked
 * against it, and the keys are the tenant's). Empty for every other authority.
 * @see https://learn.microsoft.com/entra/external-id/customers/how-to-web-app-node-sign-in-call-api-sign-in-acquire-access-token
 */
export function externalIdIssuers(authorityHost: string): string[] {
  const host = new URL(authorityHost).host;
  if (!host.endsWith(".ciamlogin.com")) return [];
  return ["https://{tenantid}.ciamlogin.com/{tenantid}/v2.0", `https://${host}/{tenantid}/v2.0`];
}
