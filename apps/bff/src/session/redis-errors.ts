import { StoreUnavailableError } from "./kv-store.js";
import type { ParsedRedisUrl } from "./redis-url.js";

/**
 * ioredis errors may carry the command and its arguments (a value, or AUTH's password), so the
 * cause keeps only the message, with the password scrubbed.
 */
export function unavailable(
  operation: string,
  error: unknown,
  target: ParsedRedisUrl,
  lastConnectionError: string | undefined,
): StoreUnavailableError {
  let reason = safeMessage(error, target);
  if (reason === "not connected" && lastConnectionError) reason += ` (${lastConnectionError})`;
  const cause = new Error(reason);
  cause.name = error instanceof Error ? error.name : "Error";
  return new StoreUnavailableError(`Redis ${operation} failed at ${target.redacted}: ${reason}`, { cause });
}

export function safeMessage(error: unknown, target: ParsedRedisUrl): string {
  let message = error instanceof Error ? error.message : String(error);
  // ioredis' wording for "rejected at once because we are not connected".
  if (message.includes("enableOfflineQueue")) message = "not connected";
  return target.password ? message.split(target.password).join("***") : message;
}
