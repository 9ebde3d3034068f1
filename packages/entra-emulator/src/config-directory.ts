import {
  bool,
  fail,
  guid,
  guidArray,
  isRecord,
  objects,
  oneOf,
  optStr,
  type Raw,
  str,
  strArray,
} from "./config-fields.js";
import type { DemoUser, DirectoryGroup, ManagedIdentity, OtherTenant, TenantConfig } from "./config-types.js";

/** Parsers for the directory part of the configuration: tenants, users, groups, managed identities. */

export function parseTenant(raw: unknown, path = "tenant"): TenantConfig {
  if (!isRecord(raw)) fail(path, "must be an object");
  return {
    id: guid(raw, "id", path),
    domain: str(raw, "domain", path),
    displayName: optStr(raw, "displayName", path) ?? "Contoso",
    regionScope: optStr(raw, "regionScope", path) ?? "NA",
  };
}

export function parseUser(raw: unknown, path: string): DemoUser {
  if (!isRecord(raw)) fail(path, "must be an object");
  return {
    id: guid(raw, "id", path),
    displayName: str(raw, "displayName", path),
    givenName: optStr(raw, "givenName", path),
    surname: optStr(raw, "surname", path),
    jobTitle: optStr(raw, "jobTitle", path),
    mail: optStr(raw, "mail", path),
    userPrincipalName: str(raw, "userPrincipalName", path),
    mobilePhone: optStr(raw, "mobilePhone", path),
    businessPhones: strArray(raw, "businessPhones", path),
    officeLocation: optStr(raw, "officeLocation", path),
    preferredLanguage: optStr(raw, "preferredLanguage", path),
    hasPhoto: bool(raw, "hasPhoto", path, true),
    memberOf: guidArray(raw, "memberOf", path),
  };
}

export function parseGroup(raw: unknown, i: number): DirectoryGroup {
  const path = `groups[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  return {
    id: guid(raw, "id", path),
    displayName: str(raw, "displayName", path),
    securityEnabled: bool(raw, "securityEnabled", path, true),
  };
}

export function parseOtherTenant(raw: unknown, i: number): OtherTenant {
  const path = `tenants[${i}]`;
  const tenant = parseTenant(raw, path);
  const users = objects(raw as Raw, "users", path, (item, itemPath) => parseUser(item, itemPath));
  for (const user of users) {
    if ((user.memberOf ?? []).length > 0)
      fail(path, `user "${user.userPrincipalName}" has memberOf: groups exist only in the home tenant`);
  }
  return { ...tenant, users };
}

export function parseManagedIdentity(raw: unknown, i: number): ManagedIdentity {
  const path = `managedIdentities[${i}]`;
  if (!isRecord(raw)) fail(path, "must be an object");
  return {
    clientId: guid(raw, "clientId", path),
    principalId: guid(raw, "principalId", path),
    type: oneOf(raw, "type", path, ["SystemAssigned", "UserAssigned"], "UserAssigned"),
  };
}
