import type { ClientRegistration, DemoUser } from "./config-types.js";
import { AadError, type AadErrorDelivery } from "./errors.js";
import type { EmulatorState, TenantScope } from "./state.js";

/**
 * Entra's tenancy rules: a single-tenant app (signInAudience AzureADMyOrg) exists only in its
 * home tenant and cannot use `/common` or `/organizations`; a multi-tenant app works in every
 * tenant; a user signs in only to their own tenant (or, through the aliases, to a multi-tenant app).
 */

export function isMultiTenant(client: ClientRegistration): boolean {
  return client.signInAudience === "AzureADMultipleOrgs";
}

/** AADSTS700016 as Entra words it: the app is not in that directory. */
export function appNotFound(clientId: string, directoryName: string, delivery: AadErrorDelivery = "json") {
  return new AadError(
    "unauthorized_client",
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${directoryName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    { delivery },
  );
}

/** Throws when the client cannot be used at this authority (AADSTS50194 or 700016). */
export function checkClientAvailable(
  state: EmulatorState,
  scope: TenantScope,
  client: ClientRegistration,
  delivery: AadErrorDelivery,
): void {
  if (isMultiTenant(client)) return;
  if (scope.tenant === null) {
    throw new AadError(
      "invalid_request",
      50194,
      `Application '${client.clientId}'(${client.displayName}) is not configured as a multi-tenant application. Usage of the /${scope.segment} endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
      { delivery },
    );
  }
  if (scope.tenant.id !== state.directory.home.id) {
    throw appNotFound(client.clientId, scope.tenant.displayName, delivery);
  }
}

/**
 * Throws AADSTS50020 when `user` may not sign in here: another tenant's user at a tenant's
 * authority, or (through `/common`) a foreign user of a single-tenant app.
 */
export function checkUserAllowed(
  state: EmulatorState,
  tenantId: string | null,
  client: ClientRegistration,
  user: DemoUser,
): void {
  const home = state.directory.tenantOf(user);
  const target = tenantId ?? (isMultiTenant(client) ? home.id : state.directory.home.id);
  if (home.id === target) return;
  const tenant = state.directory.findTenant(target);
  throw new AadError(
    "invalid_request",
    50020,
    `User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${home.id}/' does not exist in tenant '${tenant?.displayName ?? target}' and cannot access the application '${client.clientId}'(${client.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    { delivery: "page" },
  );
}
