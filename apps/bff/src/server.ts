import { buildApp } from "./app.js";
import { bannerLines } from "./banner.js";
import { ConfigError, loadConfig, readEnvironment } from "./config.js";
import { formatConfigProblems } from "./config-problems.js";
import { resolveIdentityProvider } from "./emulator-mode.js";
import { createLogger, usePrettyLogs } from "./log-destination.js";
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

const pretty = usePrettyLogs(loaded.logFormat, process.stdout.isTTY === true);
const log = await createLogger(loaded.logLevel, pretty);
for (const warning of loaded.warnings) log.warn(warning);
/** A busy port is a setting to change, not a crash: one line naming it, exit 1. */
async function orExitOnBusyPort<T>(start: Promise<T>, setting: string): Promise<T> {
  try {
    return await start;
  } catch (error) {
    const { code, port } = error as { code?: string; port?: number };
    if (code !== "EADDRINUSE" && code !== "EACCES") throw error;
    const why = code === "EADDRINUSE" ? "is already in use" : "needs privileges this process lacks";
    console.error(`Cannot listen: port ${port ?? "?"} ${why}. Stop the other process or set ${setting}.`);
    process.exit(1);
  }
}

const idp = await orExitOnBusyPort(resolveIdentityProvider(loaded, log), "EMULATOR_PORT");
// Only with an OTLP endpoint: otherwise the SDK is never imported.
const tracing = loaded.tracing ? await (await import("./telemetry/otel.js")).startTracing(log) : undefined;
const app = await buildApp(idp.config, { logger: log, ...(tracing ? { tracing: tracing.plugin } : {}) });

// Slow clients cannot hold sockets forever; keep-alive outlives typical load balancer idle timeouts.
app.server.requestTimeout = 30_000;
app.server.headersTimeout = 15_000;
app.server.keepAliveTimeout = 72_000;

const onSignal = shutdownHandler({
  app,
  log,
  drainMs: idp.config.shutdownDrainMs,
  timeoutMs: idp.config.shutdownTimeoutMs,
  closeOthers: async () => {
    await idp.close();
    await tracing?.shutdown();
  },
  exit: (code) => process.exit(code),
});
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

const listening = await orExitOnBusyPort(
  app.listen({ port: idp.config.port, host: idp.config.host }),
  "PORT",
);
const banner = bannerLines({ config: idp.config, listening, demoUsers: idp.demoUsers });
// For a person: three plain lines; for a log collector: one record with the same facts.
if (pretty) process.stdout.write(`\n${banner.join("\n")}\n\n`);
else log.info({ event: "startup", url: idp.config.publicUrl, demoUsers: idp.demoUsers }, banner.join(" | "));
