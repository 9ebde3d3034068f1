import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { GROUP_IDS, PROJECT_GROUP_IDS } from "../src/default-directory.js";
import { DEFAULT_CONFIG, type Emulator, startEmulator } from "../src/index.js";
import { emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { ADELE, DIEGO, refresh, signInTokens } from "./helpers/oauth.js";

const GRADY = "GradyA@M365x214355.onmicrosoft.com";
const ALEX = "AlexW@M365x214355.onmicrosoft.com";
const emulator = emulatorForFile();

const idClaims = async (em: Emulator, user: string) => decodeJwt((await signInTokens(em, user)).id_token);

describe("roles and groups in the ID token", () => {
  it("carries assigned app roles (directly or through a group) and security groups only", async () => {
    const adele = await idClaims(emulator, ADELE);
    expect(adele.roles).toEqual(["Tasks.Admin"]);
    // Adele is also in the Microsoft 365 group All Company, which SecurityGroup leaves out.
    expect(adele.groups).toEqual([GROUP_IDS.salesAndMarketing]);
    const diego = await idClaims(emulator, DIEGO);
    expect(diego.roles).toEqual(["Tasks.Read"]); // through the Finance group
    expect(diego.groups).toEqual([GROUP_IDS.finance]);
    const alex = await idClaims(emulator, ALEX);
    expect(alex).not.toHaveProperty("roles");
    expect(alex).not.toHaveProperty("groups");
  });

  it("replaces groups by the overage claim for a user in more than 200 groups", async () => {
    const grady = await idClaims(emulator, GRADY);
    expect(grady).not.toHaveProperty("groups");
    expect(grady._claim_names).toEqual({ groups: "src1" });
    expect(grady._claim_sources).toEqual({
      src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${grady.oid}/getMemberObjects` },
    });
  });

  it("follows groupMembershipClaims: All adds Microsoft 365 groups, None drops the claim", async () => {
    const all = await startWithClient({ groupMembershipClaims: "All" });
    const none = await startWithClient({ groupMembershipClaims: "None" });
    try {
      expect((await idClaims(all, ADELE)).groups).toEqual([
        GROUP_IDS.salesAndMarketing,
        GROUP_IDS.allCompany,
      ]);
      const withoutGroups = await idClaims(none, GRADY);
      expect(withoutGroups).not.toHaveProperty("groups");
      expect(withoutGroups).not.toHaveProperty("_claim_names");
    } finally {
      await all.close();
      await none.close();
    }
  });

  it("re-reads roles at every refresh: a role removed by the control API is gone from the next ID token", async () => {
    const tokens = await signInTokens(emulator, ADELE);
    expect(decodeJwt(tokens.id_token).roles).toEqual(["Tasks.Admin"]);
    emulator.setUserRoles(ADELE, []);
    try {
      const refreshed = await refresh(emulator, tokens.refresh_token);
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(String(refreshed.body.id_token))).not.toHaveProperty("roles");
      emulator.setUserRoles(ADELE, ["Tasks.Read", "Tasks.Admin"]);
      expect((await idClaims(emulator, ADELE)).roles).toEqual(["Tasks.Admin", "Tasks.Read"]);
      expect(() => emulator.setUserRoles(ADELE, ["Tasks.Owner"])).toThrow(/Tasks.Owner/);
    } finally {
      emulator.setUserRoles(ADELE, ["Tasks.Admin"]);
    }
  });

  it("puts the API app's roles and groups into access tokens for api://<its client id>", async () => {
    const api = "11111111-2222-4333-8444-555555555555";
    const base = DEFAULT_CONFIG.clients[0];
    if (!base) throw new Error("no built-in client");
    const em = await startEmulator({
      config: {
        ...DEFAULT_CONFIG,
        clients: [
          {
            ...base,
            permissions: ["User.Read", `api://${api}/Tasks.Use`],
            adminConsent: ["User.Read", `api://${api}/Tasks.Use`],
          },
          {
            clientId: api,
            displayName: "Tasks API",
            clientSecrets: ["api-secret"],
            redirectUris: [],
            postLogoutRedirectUris: [],
            certificates: [],
            appRoles: [
              {
                id: "0b0b0b0b-1111-4222-8333-444444444444",
                value: "Tasks.Approve",
                displayName: "Approvers",
                allowedMemberTypes: ["User"],
              },
            ],
            appRoleAssignments: [{ principalId: GROUP_IDS.salesAndMarketing, role: "Tasks.Approve" }],
            groupMembershipClaims: "SecurityGroup",
          },
        ],
      },
    });
    try {
      const tokens = await signInTokens(em, ADELE, { scope: `openid offline_access api://${api}/Tasks.Use` });
      const access = decodeJwt(tokens.access_token);
      expect(access.aud).toBe(`api://${api}`);
      expect(access.roles).toEqual(["Tasks.Approve"]);
      expect(access.groups).toEqual([GROUP_IDS.salesAndMarketing]);
      // The client's own roles stay in its ID token.
      expect(decodeJwt(tokens.id_token).roles).toEqual(["Tasks.Admin"]);
    } finally {
      await em.close();
    }
  });

  it("puts a registered API's roles and groups into its v2.0 access tokens (apis, requestedAccessTokenVersion 2)", async () => {
    const api = "33333333-4444-4555-8666-777777777777";
    const base = DEFAULT_CONFIG.clients[0];
    if (!base) throw new Error("no built-in client");
    const scope = `api://${api}/Tasks.ReadWrite`;
    const em = await startEmulator({
      config: {
        ...DEFAULT_CONFIG,
        clients: [{ ...base, permissions: ["User.Read", scope], adminConsent: ["User.Read", scope] }],
        apis: [
          {
            appId: api,
            displayName: "Tasks API",
            identifierUris: [`api://${api}`],
            scopes: ["Tasks.ReadWrite"],
            requestedAccessTokenVersion: 2,
            appRoles: [
              {
                id: "0c0c0c0c-1111-4222-8333-444444444444",
                value: "Tasks.Owner",
                displayName: "Owners",
                allowedMemberTypes: ["User"],
              },
            ],
            appRoleAssignments: [{ principalId: GROUP_IDS.finance, role: "Tasks.Owner" }],
            groupMembershipClaims: "SecurityGroup",
          },
        ],
      },
    });
    try {
      const diego = decodeJwt(
        (await signInTokens(em, DIEGO, { scope: `openid offline_access ${scope}` })).access_token,
      );
      expect(diego).toMatchObject({
        aud: api,
        ver: "2.0",
        roles: ["Tasks.Owner"],
        groups: [GROUP_IDS.finance],
      });
      const grady = decodeJwt(
        (await signInTokens(em, GRADY, { scope: `openid offline_access ${scope}` })).access_token,
      );
      expect(grady).not.toHaveProperty("groups");
      expect(grady).not.toHaveProperty("roles");
      expect(grady._claim_names).toEqual({ groups: "src1" });
    } finally {
      await em.close();
    }
  });

  it("knows 250 project groups for the overage user", () => {
    expect(PROJECT_GROUP_IDS).toHaveLength(250);
    expect(new Set(PROJECT_GROUP_IDS).size).toBe(250);
  });
});
