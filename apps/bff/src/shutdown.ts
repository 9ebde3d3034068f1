import type { FastifyBaseLogger, FastifyInstance } from "fastify";

export interface ShutdownOptions {
  app: FastifyInstance;
  log: FastifyBaseLogger;
  /** SIGTERM only: how long /readyz fails before the port closes (SIGINT, a person's Ctrl-C, skips it). */
  drainMs: number;
  /** How long in-flight requests get to finish once the port is closed. */
  timeoutMs: number;
  /** Closes what lives beside the app (the in-process emulator). */
  closeOthers(): Promise<void>;
  exit(code: number): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Graceful shutdown: fail readiness first (a load balancer drains the instance while it still
 * serves), then stop accepting and let in-flight requests finish (bounded), close Redis and the
 * Graph pool (the app's onClose hooks), and exit 0. A second signal exits at once.
 * Returns the signal handler (server.ts installs it for SIGTERM and SIGINT).
 */
export function shutdownHandler(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  const { app, log } = options;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log.warn({ event: "shutdown.forced", signal }, "second signal: exiting now");
      options.exit(1);
      return;
    }
    closing = true;
    void shutdown(signal);
  };

  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    const drainMs = signal === "SIGTERM" ? options.drainMs : 0;
    app.lifecycle.drain();
    log.info({ event: "shutdown.draining", signal, drainMs }, "shutting down: /readyz fails from now on");
    await sleep(drainMs);

    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      log.error(
        { event: "shutdown.timeout", timeoutMs: options.timeoutMs },
        "in-flight requests did not finish in time: closing their connections",
      );
      app.server.closeAllConnections();
      // Handlers cut off may still wait on an upstream (the Graph pool waits for them): one more
      // second for Redis and the rest to close, then exit regardless.
      setTimeout(() => options.exit(1), 1000).unref();
    }, options.timeoutMs);
    // Fastify stops accepting, answers 503 on kept-alive sockets, waits for in-flight requests,
    // then runs the onClose hooks (Redis, Graph pool).
    log.info({ event: "shutdown.closing" }, "no longer accepting connections; finishing in-flight requests");
    try {
      await app.close();
      await options.closeOthers();
    } catch (error) {
      log.error({ event: "shutdown.failed", err: error }, "shutdown failed");
      timedOut = true;
    }
    clearTimeout(deadline);
    log.info({ event: "shutdown.complete" }, "shut down");
    options.exit(timedOut ? 1 : 0);
  }
  return onSignal;
}
