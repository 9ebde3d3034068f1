import type { FastifyBaseLogger } from "fastify";
import type { Config } from "./config.js";
import type { ResolvedIdentityProvider } from "./emulator-idp.js";

export type { ResolvedIdentityProvider } from "./emulator-idp.js";

/**
 * Makes the identity provider concrete. A real tenant is used as configured; in emulator mode
 * (no ENTRA_* at all) the emulator is loaded (emulator-idp.ts, a chunk of its own in the server
 * bundle: a production start never loads the emulator or its control API).
 */
export async function resolveIdentityProvider(
  config: Config,
  log: FastifyBaseLogger,
): Promise<ResolvedIdentityProvider> {
  const idp = config.idp;
  if (idp.mode === "entra") return { config: { ...config, idp }, demoUsers: [], close: async () => {} };
  const { emulatorIdentityProvider } = await import("./emulator-idp.js");
  return emulatorIdentityProvider(config, idp, log);
}
