import { connectRedis, type RedisTopology, topologyOf } from "../../session/redis-connection.js";
import { unavailable } from "../../session/redis-errors.js";
import { type CheckResult, type DoctorContext, result } from "../check.js";
import { describeTopology } from "./redis-topology.js";

const TITLE = "Redis (shared sessions)";

const FIX: Record<RedisTopology, string> = {
  single: "Start Redis, or fix REDIS_URL (host, port, password; rediss:// for TLS).",
  cluster:
    "Start every node of REDIS_CLUSTER_NODES and form the cluster (redis-cli --cluster check host:port), " +
    "and check the credentials (in the redis:// entries or REDIS_USERNAME/REDIS_PASSWORD).",
  sentinel:
    "Check REDIS_SENTINELS (host:port of each sentinel), REDIS_SENTINEL_NAME (the name in `sentinel monitor`), " +
    "REDIS_SENTINEL_PASSWORD (the sentinels' requirepass) and REDIS_PASSWORD (the master's).",
};

/**
 * With Redis configured, connects the way the BFF does and says which topology it found and what
 * answered: the server, every Cluster master, or each sentinel and the master they name.
 */
export async function checkRedis({
  config,
  timeoutMs,
}: Pick<DoctorContext, "config" | "timeoutMs">): Promise<CheckResult> {
  if (!config.redis) {
    return result(
      "redis",
      TITLE,
      "skip",
      "REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are not set: sessions live in this process's memory (fine for one instance; set one of them to run several).",
    );
  }
  const topology = topologyOf(config.redis);
  let connection: ReturnType<typeof connectRedis>;
  try {
    connection = connectRedis({ ...config.redis, connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs });
  } catch (error) {
    return result(
      "redis",
      TITLE,
      "fail",
      `Redis settings are unusable: ${(error as Error).message}`,
      FIX[topology],
    );
  }
  try {
    await connection.firstConnection;
    const found = await describeTopology(connection, config.redis, timeoutMs);
    return result(
      "redis",
      TITLE,
      found.status,
      found.detail,
      found.status === "pass" ? undefined : FIX[topology],
    );
  } catch (error) {
    // The store's error wording never contains a password.
    const reason = unavailable("ping", error, connection.target, connection.lastError).message;
    return result("redis", TITLE, "fail", `Redis cannot be reached: ${reason}`, FIX[topology]);
  } finally {
    connection.client.disconnect();
  }
}
