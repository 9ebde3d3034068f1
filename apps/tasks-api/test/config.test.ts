import { describe, expect, it } from "vitest";
import { buildTasksApi, loadTasksApiConfig } from "../src/index.js";

const CLIENT = "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";
const TENANT = "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";
const OTHER = "11111111-2222-3333-4444-555555555555";
const minimal = { TASKS_API_CLIENT_ID: CLIENT, TASKS_API_TENANT_ID: TENANT };

describe("loadTasksApiConfig", () => {
  it("defaults: port 5002 on 127.0.0.1, Entra's public cloud, Tasks.ReadWrite", () => {
    const config = loadTasksApiConfig(minimal);
    expect(config).toMatchObject({ port: 5002, host: "127.0.0.1", logLevel: "info" });
    expect(config.options).toEqual({ clientId: CLIENT, tenantIds: [TENANT] });
  });

  it("reads a tenant list, the emulator's authority, an issuer, a JWKS URL and an acrs", () => {
    const config = loadTasksApiConfig({
      ...minimal,
      TASKS_API_TENANT_ID: `${TENANT.toUpperCase()} , ${OTHER}`,
      TASKS_API_AUTHORITY_HOST: "http://127.0.0.1:5001/",
      TASKS_API_ISSUER: "https://login.microsoftonline.com/{tenantid}/v2.0",
      TASKS_API_JWKS_URI: "https://login.microsoftonline.com/common/discovery/v2.0/keys",
      TASKS_API_REQUIRE_ACRS: "c1",
      TASKS_API_PORT: "8080",
      TASKS_API_HOST: "0.0.0.0",
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe("0.0.0.0");
    expect(config.options).toMatchObject({
      tenantIds: [TENANT, OTHER],
      authorityHost: "http://127.0.0.1:5001",
      requireAcrs: "c1",
    });
  });

  it.each([
    [{}, /^TASKS_API_CLIENT_ID: is not set: set it to the Application \(client\) ID GUID/],
    [
      { ...minimal, TASKS_API_CLIENT_ID: "api://tasks" },
      /^TASKS_API_CLIENT_ID: has an invalid value "api:\/\/tasks"/,
    ],
    [{ TASKS_API_CLIENT_ID: CLIENT }, /^TASKS_API_TENANT_ID: is not set/],
    [
      { ...minimal, TASKS_API_TENANT_ID: "contoso.onmicrosoft.com" },
      /^TASKS_API_TENANT_ID: has an invalid value/,
    ],
    [{ ...minimal, TASKS_API_PORT: "99999" }, /^TASKS_API_PORT: 99999 is not a port/],
    [{ ...minimal, TASKS_API_PORT: "http" }, /^TASKS_API_PORT: has an invalid value/],
    [
      { ...minimal, TASKS_API_AUTHORITY_HOST: "http://login.example.com" },
      /^TASKS_API_AUTHORITY_HOST: .*must use https/,
    ],
    [{ ...minimal, TASKS_API_JWKS_URI: "ftp://keys" }, /^TASKS_API_JWKS_URI: has an invalid value/],
    [
      { ...minimal, TASKS_API_REQUIRE_ACRS: "mfa" },
      /^TASKS_API_REQUIRE_ACRS: has an invalid value "mfa": use an authentication context id/,
    ],
  ])("names the variable and the fix: %j", (env, message) => {
    expect(() => loadTasksApiConfig(env as Record<string, string>)).toThrow(message);
  });

  it("buildTasksApi refuses options without a client id GUID or a tenant", async () => {
    await expect(buildTasksApi({ clientId: "tasks", tenantIds: [TENANT] })).rejects.toThrow(/^clientId: /);
    await expect(buildTasksApi({ clientId: CLIENT, tenantIds: [] })).rejects.toThrow(/^tenantIds: /);
  });
});
