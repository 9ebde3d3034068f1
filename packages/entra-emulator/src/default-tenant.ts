import type { EmulatorConfig } from "./config-types.js";
import {
  DEFAULT_APP_ROLES,
  DEFAULT_GROUPS,
  DEFAULT_MANAGED_IDENTITIES,
  FABRIKAM,
  GROUP_IDS,
  PROJECT_GROUP_IDS,
  WORKLOAD_SUBJECT,
} from "./default-directory.js";

/**
 * The built-in tenant: Microsoft's Graph Explorer demo tenant (M365x214355, the "Contoso" personas),
 * in the era captured in ../reference/demo-users.json. Ids are the real demo-tenant GUIDs, except
 * Grady Archie's (added as the user with 250 groups). Groups, app roles, the Fabrikam tenant and the
 * managed identities are in ./default-directory.ts.
 */
const CONTOSO_ID = "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";
const ADELE_ID = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
const MEGAN_ID = "48d31887-5fad-4d73-a9f5-3c356e68a038";
export const DEFAULT_CONFIG: EmulatorConfig = {
  tenant: {
    id: CONTOSO_ID,
    domain: "M365x214355.onmicrosoft.com",
    displayName: "Contoso",
    regionScope: "NA",
  },
  clients: [
    {
      clientId: "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10",
      displayName: "entra-bff (local emulator)",
      clientSecrets: ["Emu8Q~local.emulator.secret-not-for-production"],
      // The BFF's sign-out returns to PUBLIC_URL/, which Entra accepts only as a redirect URI.
      redirectUris: ["http://localhost:5000/getAToken", "http://localhost:5000/"],
      postLogoutRedirectUris: ["http://localhost:5000/"],
      certificates: [],
      // An admin consented to User.Read and GroupMember.Read.All (groups overage through Graph);
      // User.ReadBasic.All (Graph /users) needs each user's consent.
      permissions: ["User.Read", "User.ReadBasic.All", "GroupMember.Read.All"],
      adminConsent: ["User.Read", "GroupMember.Read.All"],
      signInAudience: "AzureADMyOrg",
      appRoles: DEFAULT_APP_ROLES,
      // Adele administers tasks, Megan reads them, and so does everyone in Finance (Diego).
      appRoleAssignments: [
        { principalId: ADELE_ID, role: "Tasks.Admin" },
        { principalId: MEGAN_ID, role: "Tasks.Read" },
        { principalId: GROUP_IDS.finance, role: "Tasks.Read" },
      ],
      groupMembershipClaims: "SecurityGroup",
      frontchannelLogoutUrl: null,
      federatedCredentials: [
        {
          name: "kubernetes-service-account",
          issuer: "{emulator}/workload-issuer",
          subject: WORKLOAD_SUBJECT,
          audiences: ["api://AzureADTokenExchange"],
          jwks: null,
        },
        ...DEFAULT_MANAGED_IDENTITIES.map((mi) => ({
          name: `managed-identity-${mi.type === "SystemAssigned" ? "system" : "user"}`,
          issuer: `{emulator}/${CONTOSO_ID}/v2.0`,
          subject: mi.principalId,
          audiences: ["api://AzureADTokenExchange"],
          jwks: null,
        })),
      ],
    },
  ],
  users: [
    {
      id: ADELE_ID,
      displayName: "Adele Vance",
      givenName: "Adele",
      surname: "Vance",
      jobTitle: "Product Marketing Manager",
      mail: "AdeleV@M365x214355.onmicrosoft.com",
      userPrincipalName: "AdeleV@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 425 555 0109"],
      officeLocation: "18/2111",
      preferredLanguage: "en-US",
      hasPhoto: true,
      memberOf: [GROUP_IDS.salesAndMarketing, GROUP_IDS.allCompany],
    },
    {
      id: MEGAN_ID,
      displayName: "Megan Bowen",
      givenName: "Megan",
      surname: "Bowen",
      jobTitle: "Auditor",
      mail: "MeganB@M365x214355.onmicrosoft.com",
      userPrincipalName: "MeganB@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 412 555 0109"],
      officeLocation: "12/1110",
      preferredLanguage: "en-US",
      hasPhoto: true,
    },
    {
      id: "4782e723-f4f4-4af3-a76e-25e3bab0d896",
      displayName: "Alex Wilber",
      givenName: "Alex",
      surname: "Wilber",
      jobTitle: "Marketing Assistant",
      mail: "AlexW@M365x214355.onmicrosoft.com",
      userPrincipalName: "AlexW@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 858 555 0110"],
      officeLocation: "131/1104",
      preferredLanguage: "en-US",
      hasPhoto: true,
    },
    {
      id: "e8a02cc7-df4d-4778-956d-784cc9506e5a",
      displayName: "Lynne Robbins",
      givenName: "Lynne",
      surname: "Robbins",
      jobTitle: "Product Manager",
      mail: "LynneR@M365x214355.onmicrosoft.com",
      userPrincipalName: "LynneR@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 918 555 0104"],
      officeLocation: "20/1104",
      preferredLanguage: "en-US",
      hasPhoto: true,
    },
    {
      id: "24fcbca3-c3e2-48bf-9ffc-c7f81b81483d",
      displayName: "Diego Siciliani",
      givenName: "Diego",
      surname: "Siciliani",
      jobTitle: "CVP Finance",
      mail: "DiegoS@M365x214355.onmicrosoft.com",
      userPrincipalName: "DiegoS@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 205 555 0108"],
      officeLocation: "14/1108",
      preferredLanguage: "en-US",
      hasPhoto: false,
      memberOf: [GROUP_IDS.finance, GROUP_IDS.allCompany],
    },
    {
      id: "b5c7e9a1-3d5f-4b7d-9e1f-3a5c7e9b1d01",
      displayName: "Grady Archie",
      givenName: "Grady",
      surname: "Archie",
      jobTitle: "Designer",
      mail: "GradyA@M365x214355.onmicrosoft.com",
      userPrincipalName: "GradyA@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      businessPhones: ["+1 309 555 0104"],
      officeLocation: "19/2109",
      preferredLanguage: "en-US",
      hasPhoto: true,
      // More than 200 groups: tokens carry the groups overage claim instead of `groups`.
      memberOf: [...PROJECT_GROUP_IDS, GROUP_IDS.allCompany],
    },
  ],
  lifetimes: {
    accessTokenSeconds: 3600,
    idTokenSeconds: 3600,
    refreshTokenSeconds: 86_400,
    codeSeconds: 600,
  },
  apis: [],
  groups: DEFAULT_GROUPS,
  tenants: [FABRIKAM],
  managedIdentities: DEFAULT_MANAGED_IDENTITIES,
};
