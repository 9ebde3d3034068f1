import { isMultiTenant } from "../../config-entra.js";
import { type Check, result } from "../check.js";

const TITLE = "Who may sign in (tenants)";
const REGISTRATION =
  'The app registration\'s Supported account types must be "Accounts in any organizational directory" (signInAudience AzureADMultipleOrgs), else Entra answers AADSTS50194.';

/**
 * ENTRA_TENANT_ID=organizations|common goes with ENTRA_ALLOWED_TENANTS (loadConfig refuses one
 * without the other); `*` lets every Entra organisation in, which is rarely meant. External ID
 * (ciamlogin.com) tenants are single-tenant.
 */
export const checkTenancy: Check = async ({ idp }) => {
  const ciam = new URL(idp.authorityHost).host.endsWith(".ciamlogin.com");
  if (!isMultiTenant(idp.tenantId)) {
    return result("tenancy", TITLE, "pass", `Users of tenant ${idp.tenantId} only (single-tenant).`);
  }
  if (ciam) {
    return result(
      "tenancy",
      TITLE,
      "fail",
      `ENTRA_TENANT_ID=${idp.tenantId} with an External ID authority (${idp.authorityHost}): External ID tenants are single-tenant.`,
      "Set ENTRA_TENANT_ID to the External ID tenant's id (or <subdomain>.onmicrosoft.com) and remove ENTRA_ALLOWED_TENANTS.",
    );
  }
  if (idp.allowedTenants === "*") {
    return result(
      "tenancy",
      TITLE,
      "warn",
      `ENTRA_TENANT_ID=${idp.tenantId} with ENTRA_ALLOWED_TENANTS=*: users of every Microsoft Entra organisation can sign in.`,
      `List the tenant ids that may sign in, comma-separated, unless that is what you want. ${REGISTRATION}`,
    );
  }
  const tenants = idp.allowedTenants ?? [];
  return result(
    "tenancy",
    TITLE,
    "pass",
    `Multi-tenant (${idp.tenantId}): users of ${tenants.length} tenant(s) — ${tenants.join(", ")} — get a session; others see "Your organisation is not allowed". ${REGISTRATION}`,
  );
};
