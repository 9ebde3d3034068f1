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
