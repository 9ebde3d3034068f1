import { createRedisStore } from "../../session/redis-store.js";
import { type CheckResult, type DoctorContext, result } from "../check.js";

const TITLE = "Redis (shared sessions)";

/** When REDIS_URL is set, Redis answers a PING with the store the BFF itself uses. */
export async function checkRedis({
  config,
  timeoutMs,
}: Pick<DoctorContext, "config" | "timeoutMs">): Promise<CheckResult> {
  if (!config.redis) {
    return result(
      "redis",
      TITLE,
      "skip",
      "REDIS_URL is not set: sessions live in this process's memory (fine for one instance; set REDIS_URL to run several).",
    );
  }
  const store = createRedisStore({
    url: config.redis.url,
    ...(config.redis.keyPrefix ? { keyPrefix: config.redis.keyPrefix } : {}),
    connectTimeoutMs: timeoutMs,
    commandTimeoutMs: timeoutMs,
  });
  try {
    await store.ping();
    return result("redis", TITLE, "pass", "Redis answered PING.");
  } catch (error) {
    // The store's errors never contain the URL's password.
    const reason = error instanceof Error ? error.message : String(error);
    return result(
      "redis",
      TITLE,
      "fail",
      `Redis cannot be reached: ${reason}`,
      "Start Redis, or fix REDIS_URL (host, port, password; rediss:// for TLS).",
    );
  } finally {
    await store.close().catch(() => {});
  }
}
