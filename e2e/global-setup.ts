import type { FullConfig } from "@playwright/test";
import { buildUnlessSkipped, startServer } from "./support/server.js";

/** Builds (unless E2E_SKIP_BUILD=1) and starts the app; the returned function is the teardown. */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  buildUnlessSkipped();
  const server = await startServer();
  console.log(`[e2e] app at ${server.info.baseUrl}, emulator at ${server.info.emulatorUrl}`);
  return () => server.stop();
}
