import { isGuid } from "../../guid.js";
import { type Check, result } from "../check.js";

const TITLE = "Tenant and client IDs";

/** The tenant and client IDs are GUIDs (or a tenant domain) and not swapped or equal. */
export const checkIdentifiers: Check = async ({ idp }) => {
  if (idp.tenantId.toLowerCase() === idp.clientId.toLowerCase()) {
    return result(
      "identifiers",
      TITLE,
      "fail",
      "ENTRA_TENANT_ID and ENTRA_CLIENT_ID are the same GUID.",
      "On the app's Overview page, Directory (tenant) ID goes to ENTRA_TENANT_ID and Application (client) ID to ENTRA_CLIENT_ID.",
    );
  }
  const common = ["common", "organizations", "consumers"];
  if (common.includes(idp.tenantId.toLowerCase())) {
    return result(
      "identifiers",
      TITLE,
      "fail",
      `ENTRA_TENANT_ID is "${idp.tenantId}", a shared endpoint; this app signs in users of one tenant.`,
      "Set ENTRA_TENANT_ID to the Directory (tenant) ID from the app registration's Overview page.",
    );
  }
  if (!isGuid(idp.tenantId)) {
    return result(
      "identifiers",
      TITLE,
      "pass",
      `Tenant "${idp.tenantId}" (a domain name; the Directory (tenant) ID GUID also works), client ${idp.clientId}.`,
    );
  }
  return result("identifiers", TITLE, "pass", `Tenant ${idp.tenantId}, client ${idp.clientId}.`);
};
