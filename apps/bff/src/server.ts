import pino from "pino";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig, readEnvironment } from "./config.js";
import { formatConfigProblems } from "./config-problems.js";
import { resolveIdentityProvider } from "./emulator-mode.js";
import { loggerOptions } from "./logging.js";
import { shutdownHandler } from "./shutdown.js";

let loaded: ReturnType<typeof loadConfig>;
try {
  loaded = loadConfig(readEnvironment());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Every bad variable with its fix, as the doctor lists them.
  console.error(formatConfigProblems(error));
  process.exit(1);
}

const log = pino(loggerOptions(loaded.logLevel));
for (const warning of loaded.warnings) log.warn(warning);
const idp = await resolveIdentityProvider(loaded, log);
const app = await buildApp(idp.config, { logger: log });

// Slow clients cannot hold sockets forever; keep-alive outlives typical load balancer idle timeouts.
app.server.requestTimeout = 30_000;
app.server.headersTimeout = 15_000;
app.server.keepAliveTimeout = 72_000;

const onSignal = shutdownHandler({
  app,
  log,
  drainMs: idp.config.shutdownDrainMs,
  timeoutMs: idp.config.shutdownTimeoutMs,
  closeOthers: () => idp.close(),
  exit: (code) => process.exit(code),
});
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

await app.listen({ port: idp.config.port, host: idp.config.host });
