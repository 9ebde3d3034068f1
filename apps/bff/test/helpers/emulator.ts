import {
  DEFAULT_CONFIG,
  type Emulator,
  type StartEmulatorOptions,
  startEmulator,
} from "@entra-bff/entra-emulator";
import { afterEach } from "vitest";

export interface TestEmulatorOptions extends StartEmulatorOptions {
  /** The BFF's PUBLIC_URL: its /getAToken and / are registered as the app's redirect URIs. */
  publicUrl?: string;
  /** The built-in client knows only these certificates, no secret: a sign-in needs a client_assertion. */
  certificates?: string[];
}

/** Starts an emulator set up for a BFF; the caller closes it (see emulatorForTest). */
export function startEmulatorFor({ publicUrl, certificates, ...options }: TestEmulatorOptions = {}) {
  const [client] = DEFAULT_CONFIG.clients;
  if (!client) throw new Error("the built-in tenant has no client");
  return startEmulator({
    ...(certificates
      ? { config: { ...DEFAULT_CONFIG, clients: [{ ...client, clientSecrets: [], certificates }] } }
      : {}),
    ...(publicUrl
      ? { redirectUris: [`${publicUrl}/getAToken`], postLogoutRedirectUris: [`${publicUrl}/`] }
      : {}),
    ...options,
  });
}

const forTest: Emulator[] = [];
afterEach(async () => {
  for (const emulator of forTest.splice(0)) await emulator.close();
});

/** startEmulatorFor, closed after the current test. */
export async function emulatorForTest(options: TestEmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulatorFor(options);
  forTest.push(emulator);
  return emulator;
}
