import { DEFAULT_CONFIG, type Emulator, type EmulatorConfig, startEmulator } from "@entra-bff/entra-emulator";
import { afterEach } from "vitest";
import { buildTestApp, PUBLIC_URL, type TestApp, type TestAppOptions } from "../helpers/test-app.js";

/** A compact JWS (`header.payload.signature`), the shape of every Entra token. */
export const JWT_SHAPE = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A second app registration in the same tenant: an attacker's client whose codes we must refuse. */
export const OTHER_CLIENT = {
  clientId: "5f3c1d2e-0a9b-4c8d-8e7f-6a5b4c3d2e1f",
  clientSecret: "Other~client.secret-for-security-tests",
  redirectUri: "http://localhost:5000/getAToken",
};

/**
 * The test app (buildTestApp) bound to an emulator of our own choosing, e.g. a tenant with two
 * app registrations. The emulator closes after the test.
 */
export async function buildAppOnEmulator(
  emulatorConfig: EmulatorConfig,
  options: TestAppOptions = {},
): Promise<TestApp & { emulator: Emulator }> {
  const emulator = await startEmulator({
    config: emulatorConfig,
    redirectUris: [`${PUBLIC_URL}/getAToken`],
    postLogoutRedirectUris: [`${PUBLIC_URL}/`],
  });
  closers.push(() => emulator.close());
  const testApp = await buildTestApp({
    ...options,
    config: {
      idp: {
        mode: "entra",
        tenantId: emulator.tenantId,
        clientId: emulator.client.clientId,
        credential: { kind: "secret", secret: emulator.client.clientSecret },
        authorityHost: emulator.url,
        graphBaseUrl: emulator.graphBaseUrl,
        emulator: true,
      },
      ...options.config,
    },
  });
  return { ...testApp, emulator };
}

/** The built-in Contoso tenant plus OTHER_CLIENT. */
export function tenantWithTwoClients(): EmulatorConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  config.clients.push({
    clientId: OTHER_CLIENT.clientId,
    displayName: "another app in the tenant",
    clientSecrets: [OTHER_CLIENT.clientSecret],
    redirectUris: [OTHER_CLIENT.redirectUri],
    postLogoutRedirectUris: [],
    certificates: [],
  });
  return config;
}
