import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../src/index.js";
import { builtInClient, emulatorForFile } from "./helpers/emulator.js";
import { ADELE, refresh, signInTokens } from "./helpers/oauth.js";

// A registered API ("Expose an API"): its manifest's requestedAccessTokenVersion decides the
// access token's format, as at Entra — v2.0: aud = its app id GUID, iss = the tenant's v2.0 issuer.
const V2_APP = "5b0c1a7e-2f3d-4c5b-8a9e-0d1c2b3a4f5e";
const V1_APP = "7d3e2c1b-0a9f-4e8d-9c7b-6a5f4e3d2c1b";
const builtIn = builtInClient();

const emulator = emulatorForFile({
  config: {
    ...DEFAULT_CONFIG,
    clients: [
      {
        ...builtIn,
        permissions: ["User.Read", `api://${V2_APP}/Tasks.ReadWrite`, "api://orders/Orders.Read"],
        adminConsent: ["User.Read", `api://${V2_APP}/Tasks.ReadWrite`, "api://orders/Orders.Read"],
      },
    ],
    apis: [
      {
        appId: V2_APP,
        displayName: "Tasks API",
        identifierUris: [`api://${V2_APP}`],
        scopes: ["Tasks.ReadWrite", "Tasks.Read"],
        requestedAccessTokenVersion: 2,
      },
      {
        appId: V1_APP,
        displayName: "Orders API",
        identifierUris: ["api://orders"],
        scopes: ["Orders.Read"],
        requestedAccessTokenVersion: 1,
      },
    ],
  },
});

describe("registered APIs (apis)", () => {
  it("issues a v2.0 access token with aud = the API's app id, verifiable with the tenant's keys", async () => {
    const tokens = await signInTokens(emulator, ADELE, {
      scope: `openid profile offline_access api://${V2_APP}/Tasks.ReadWrite`,
    });
    const keys = createRemoteJWKSet(new URL(`${emulator.authority}/discovery/v2.0/keys`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, keys, {
      audience: V2_APP,
      issuer: emulator.issuer,
      algorithms: ["RS256"],
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      ver: "2.0",
      scp: "Tasks.ReadWrite",
      azp: emulator.client.clientId,
      oid: emulator.users[0]?.id,
      tid: emulator.tenantId,
      preferred_username: ADELE,
    });
    expect(payload.appid).toBeUndefined();
  });

  it("serves the API from the refresh token of a Graph sign-in (one refresh token, a token per resource)", async () => {
    const tokens = await signInTokens(emulator, ADELE);
    expect(decodeJwt(tokens.access_token).aud).toBe("00000003-0000-0000-c000-000000000000");
    const api = await refresh(emulator, tokens.refresh_token, { scope: `api://${V2_APP}/Tasks.ReadWrite` });
    expect(api.status).toBe(200);
    const claims = decodeJwt(api.body.access_token as string);
    expect(claims.aud).toBe(V2_APP);
    expect(claims.iss).toBe(emulator.issuer);
  });

  it("keeps v1.0 tokens (aud = the App ID URI) for an API whose manifest asks for version 1", async () => {
    const tokens = await signInTokens(emulator, ADELE, {
      scope: "openid offline_access api://orders/Orders.Read",
    });
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toBe("api://orders");
    expect(claims.ver).toBe("1.0");
    expect(claims.iss).toBe(`https://sts.windows.net/${emulator.tenantId}/`);
  });
});

describe("apis configuration", () => {
  const client = {
    ...builtIn,
    permissions: ["User.Read", `api://${V2_APP}/Tasks.Delete`],
    adminConsent: ["User.Read"],
  };

  it("defaults identifierUris to api://{appId} and the token version to 1, as Entra's manifest does", () => {
    const [api] = parseConfig({ apis: [{ appId: V2_APP.toUpperCase(), scopes: ["Tasks.ReadWrite"] }] }).apis;
    expect(api).toEqual({
      appId: V2_APP,
      displayName: "API",
      identifierUris: [`api://${V2_APP}`],
      scopes: ["Tasks.ReadWrite"],
      requestedAccessTokenVersion: 1,
      appRoles: [],
      appRoleAssignments: [],
      groupMembershipClaims: "None",
    });
  });

  it("names the field: a scope the API does not expose, a bad version, a duplicate URI, a bad URI", () => {
    const api = { appId: V2_APP, scopes: ["Tasks.ReadWrite"] };
    expect(() => parseConfig({ clients: [client], apis: [api] })).toThrow(
      /clients\[0\]\.permissions has "api:\/\/.*\/Tasks\.Delete", which apis ".*" does not expose/,
    );
    expect(() => parseConfig({ apis: [{ ...api, requestedAccessTokenVersion: "2" }] })).toThrow(
      /apis\[0\]\.requestedAccessTokenVersion must be 1 or 2/,
    );
    expect(() =>
      parseConfig({ apis: [api, { ...api, appId: V1_APP, identifierUris: [`api://${V2_APP}`] }] }),
    ).toThrow(/apis has the identifier URI/);
    expect(() => parseConfig({ apis: [{ ...api, identifierUris: ["https://tasks.example"] }] })).toThrow(
      /apis\[0\]\.identifierUris has "https:\/\/tasks\.example"/,
    );
    expect(() => parseConfig({ apis: [{ ...api, scopes: [] }] })).toThrow(/apis\[0\]\.scopes must list/);
  });
});
