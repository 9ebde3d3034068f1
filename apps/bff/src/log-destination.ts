import type { FastifyBaseLogger } from "fastify";
import pino from "pino";
import { loggerOptions } from "./logging.js";

/** Readable logs for a person at a terminal (or LOG_FORMAT=pretty); JSON for log collectors. */
export function usePrettyLogs(format: "pretty" | "json" | undefined, stdoutIsTTY: boolean): boolean {
  return format === "pretty" || (format === undefined && stdoutIsTTY);
}

/**
 * The server's logger. pino-pretty is imported only when pretty logs are wanted, so production
 * (JSON) neither loads it at start nor runs it per line; redaction applies before either format.
 * @see https://github.com/pinojs/pino-pretty#usage-with-jest (as a stream, in this thread)
 */
export async function createLogger(level: string, pretty: boolean): Promise<FastifyBaseLogger> {
  const options = loggerOptions(level);
  if (!pretty) return pino(options);
  const { default: prettyStream } = await import("pino-pretty");
  return pino(
    options,
    prettyStream({
      singleLine: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname",
      // Written before the next line runs: nothing lost when the process exits right after.
      sync: true,
      // Colours follow the terminal (and NO_COLOR), as pino-pretty's colorette detects them.
    }),
  );
}
