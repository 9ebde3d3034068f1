import { ManagedIdentityApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MANAGED_IDENTITIES } from "../src/default-directory.js";
import { emulatorForFile } from "./helpers/emulator.js";

// The IMDS source, reached on loopback through AZURE_POD_IDENTITY_AUTHORITY_HOST (MSAL would
// otherwise call 169.254.169.254). Its own file: MSAL caches the source it picked per process.
const emulator = emulatorForFile();
const saved = { ...process.env };

beforeAll(async () => {
  for (const name of [
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
  ]) {
    delete process.env[name];
  }
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST =
    emulator.managedIdentityEnv.AZURE_POD_IDENTITY_AUTHORITY_HOST;
});
afterAll(async () => {
  process.env = saved;
});

describe("msal-node ManagedIdentityApplication (IMDS) against the emulator", () => {
  it("gets the system-assigned identity's token from the emulator, not from 169.254.169.254", async () => {
    const mi = new ManagedIdentityApplication();
    const result = await mi.acquireToken({ resource: "api://AzureADTokenExchange" });
    expect(decodeJwt(result.accessToken).sub).toBe(DEFAULT_MANAGED_IDENTITIES[0]?.principalId);
    // MSAL asks for `/metadata/identity/oauth2/token/` (trailing slash), as it does of IMDS.
    expect(emulator.requests().map((r) => `${r.path} ${r.status}`)).toEqual([
      "/metadata/identity/oauth2/token/ 200",
    ]);
  });
});
