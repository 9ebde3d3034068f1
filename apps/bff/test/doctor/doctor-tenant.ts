import type { Emulator } from "@entra-bff/entra-emulator";
import type { CheckResult } from "../../src/doctor/check.js";
import { emulatorForTest } from "../helpers/emulator.js";

// What the doctor tests share: an emulated tenant (closed after each test) and its environment.
export const SESSION_SECRET = "a-doctor-test-session-secret-that-is-long-enough";
export const UNKNOWN_GUID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/** The built-in tenant, for one test; with `certificates` its client has no secret at all. */
export function emulator(certificates?: string[]): Promise<Emulator> {
  return emulatorForTest(certificates ? { certificates } : {});
}

/** A real-tenant environment pointing at the emulator (ENTRA_EMULATOR_URL allows its http URLs). */
export function tenantEnv(emu: Emulator, overrides: Record<string, string | undefined> = {}) {
  return {
    ENTRA_TENANT_ID: emu.tenantId,
    ENTRA_CLIENT_ID: emu.client.clientId,
    ENTRA_CLIENT_SECRET: emu.client.clientSecret,
    ENTRA_EMULATOR_URL: emu.url,
    SESSION_SECRET,
    ...overrides,
  };
}

/** A certificate credential instead of the emulator's client secret. */
export function certificateEnv(certPath: string, keyPath: string): Record<string, string | undefined> {
  return { ENTRA_CLIENT_SECRET: undefined, ENTRA_CLIENT_CERT_PATH: certPath, ENTRA_CLIENT_KEY_PATH: keyPath };
}

/** The check with `id` (throws naming the checks there are). */
export function check(checks: CheckResult[], id: string): CheckResult {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check "${id}" in ${checks.map((c) => c.id).join(", ")}`);
  return found;
}
