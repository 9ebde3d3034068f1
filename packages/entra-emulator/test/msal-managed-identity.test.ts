import { ManagedIdentityApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MANAGED_IDENTITIES } from "../src/default-directory.js";
import { emulatorForFile } from "./helpers/emulator.js";
import { token } from "./helpers/oauth.js";

// MSAL picks its managed identity source from the environment once per process: this file (its own
// vitest worker) points App Service's variables at the emulator on loopback.
const emulator = emulatorForFile();
const saved = { ...process.env };

beforeAll(async () => {
  process.env.IDENTITY_ENDPOINT = emulator.managedIdentityEnv.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.managedIdentityEnv.IDENTITY_HEADER;
});
afterAll(async () => {
  process.env = saved;
});

describe("msal-node ManagedIdentityApplication against the emulator", () => {
  it("gets an api://AzureADTokenExchange token that signs the app in as a federated credential", async () => {
    const userAssigned = DEFAULT_MANAGED_IDENTITIES[1];
    const mi = new ManagedIdentityApplication({
      managedIdentityIdParams: { userAssignedClientId: userAssigned?.clientId ?? "" },
    });
    expect(mi.getManagedIdentitySource()).toBe("AppService");
    const result = await mi.acquireToken({ resource: "api://AzureADTokenExchange" });
    expect(result.accessToken.split(".")).toHaveLength(3);
    expect(result.expiresOn?.getTime()).toBeGreaterThan(Date.now());
    const exchanged = await token(emulator, {
      grant_type: "client_credentials",
      client_id: emulator.client.clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: result.accessToken,
      scope: "https://graph.microsoft.com/.default",
    });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
  });
});
