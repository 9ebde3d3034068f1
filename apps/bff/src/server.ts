import pino from "pino";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig, readEnvironment } from "./config.js";
import { formatConfigProblems } from "./config-problems.js";
import { resolveIdentityProvider } from "./emulator-mode.js";
import { loggerOptions } from "./logging.js";

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

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app
      .close()
      .then(() => idp.close())
      .then(() => process.exit(0));
  });
}

await app.listen({ port: idp.config.port, host: idp.config.host });
