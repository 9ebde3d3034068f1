import type { AppRole, DirectoryGroup, ManagedIdentity, OtherTenant } from "./config-types.js";

/**
 * The built-in directory beyond the Contoso users: groups (one user has 250, so the groups
 * overage is real), app roles on the default client, the Fabrikam tenant and managed identities.
 */

export const GROUP_IDS = {
  salesAndMarketing: "3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e01",
  finance: "3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e02",
  allCompany: "3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e03",
} as const;

/** The 250 project groups of the overage user: `Project Team 001` … `Project Team 250`. */
export const PROJECT_GROUP_COUNT = 250;
function projectGroupId(n: number): string {
  return `7b2c9e10-4f3a-4c8d-a1e5-${n.toString(16).padStart(12, "0")}`;
}
export const PROJECT_GROUP_IDS: readonly string[] = Array.from({ length: PROJECT_GROUP_COUNT }, (_, i) =>
  projectGroupId(i + 1),
);

export const DEFAULT_GROUPS: DirectoryGroup[] = [
  { id: GROUP_IDS.salesAndMarketing, displayName: "Sales and Marketing", securityEnabled: true },
  { id: GROUP_IDS.finance, displayName: "Finance", securityEnabled: true },
  // A Microsoft 365 group: in `groups` only with groupMembershipClaims "All".
  { id: GROUP_IDS.allCompany, displayName: "All Company", securityEnabled: false },
  ...PROJECT_GROUP_IDS.map((id, i) => ({
    id,
    displayName: `Project Team ${String(i + 1).padStart(3, "0")}`,
    securityEnabled: true,
  })),
];

export const DEFAULT_APP_ROLES: AppRole[] = [
  {
    id: "c2a1f5e4-8d3b-4a7e-9f10-2b6d4e8a1c01",
    value: "Tasks.Admin",
    displayName: "Task administrators",
    allowedMemberTypes: ["User"],
  },
  {
    id: "c2a1f5e4-8d3b-4a7e-9f10-2b6d4e8a1c02",
    value: "Tasks.Read",
    displayName: "Task readers",
    allowedMemberTypes: ["User"],
  },
];

export const FABRIKAM: OtherTenant = {
  id: "a3b5c7d9-2e4f-4a6b-8c0d-1e3f5a7b9c11",
  domain: "fabrikam.onmicrosoft.com",
  displayName: "Fabrikam",
  regionScope: "EU",
  users: [
    fabrikamUser("5d7f9b1d-3e5a-4c7e-9a1b-2c4d6e8f0a01", "Kim", "Akers", "Operations Lead"),
    fabrikamUser("5d7f9b1d-3e5a-4c7e-9a1b-2c4d6e8f0a02", "Ben", "Miller", "Buyer"),
    fabrikamUser("5d7f9b1d-3e5a-4c7e-9a1b-2c4d6e8f0a03", "Sara", "Davis", "Accountant"),
  ],
};

function fabrikamUser(id: string, givenName: string, surname: string, jobTitle: string) {
  const upn = `${givenName}${surname[0]}@fabrikam.onmicrosoft.com`;
  return {
    id,
    displayName: `${givenName} ${surname}`,
    givenName,
    surname,
    jobTitle,
    mail: upn,
    userPrincipalName: upn,
    mobilePhone: null,
    businessPhones: [],
    officeLocation: null,
    preferredLanguage: "en-GB",
    hasPhoto: true,
    memberOf: [],
  };
}

/** A system-assigned identity (e.g. the BFF's App Service) and a user-assigned one. */
export const DEFAULT_MANAGED_IDENTITIES: ManagedIdentity[] = [
  {
    clientId: "6e8a0c2e-4f6b-4d8f-8b2c-3d5e7f9a1b01",
    principalId: "8f0b2d4f-6a8c-4e0a-9c3d-4e6f8a0b2c01",
    type: "SystemAssigned",
  },
  {
    clientId: "6e8a0c2e-4f6b-4d8f-8b2c-3d5e7f9a1b02",
    principalId: "8f0b2d4f-6a8c-4e0a-9c3d-4e6f8a0b2c02",
    type: "UserAssigned",
  },
];

/** The Kubernetes service account the default client trusts (workload identity federation). */
export const WORKLOAD_SUBJECT = "system:serviceaccount:default:entra-bff";
