import { afterAll, afterEach, beforeAll } from "vitest";
import {
  type ClientRegistration,
  DEFAULT_CONFIG,
  type Emulator,
  type StartEmulatorOptions,
  startEmulator,
} from "../../src/index.js";

/**
 * One emulator for the whole test file: started before its first test (with `options`, or what
 * `options()` returns then), closed after its last and, with `resetAfterEach`, reset between tests.
 * Returns a stand-in that forwards to the started emulator, so the file reads `emulator.url` as it
 * would with a plain variable.
 */
export function emulatorForFile(
  options: StartEmulatorOptions | (() => StartEmulatorOptions) = {},
  { resetAfterEach = false } = {},
): Emulator {
  let started: Emulator | undefined;
  beforeAll(async () => {
    started = await startEmulator(typeof options === "function" ? options() : options);
  });
  if (resetAfterEach) afterEach(() => started?.reset());
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Emulator, {
    get(_target, property) {
      // Not a promise: `await`, and anything probing for `then`, see a plain object.
      if (property === "then") return undefined;
      if (!started) throw new Error("the file's emulator starts in beforeAll: use it in a test or a hook");
      const value = Reflect.get(started, property);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
}

/** The built-in tenant's client registration (the one `emulator.client` names). */
export function builtInClient(): ClientRegistration {
  const [client] = DEFAULT_CONFIG.clients;
  if (!client) throw new Error("the built-in tenant has no client");
  return client;
}

/** An emulator whose (only) client is the built-in one with `overrides` (e.g. other consent). */
export function startWithClient(overrides: Partial<ClientRegistration>): Promise<Emulator> {
  return startEmulator({ config: { ...DEFAULT_CONFIG, clients: [{ ...builtInClient(), ...overrides }] } });
}
