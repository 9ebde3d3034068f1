import { type Cluster, Redis } from "ioredis";
import type { RedisSettings } from "../../session/redis-config.js";
import type { RedisConnection } from "../../session/redis-connection.js";
import { unavailable } from "../../session/redis-errors.js";
import type { CheckStatus } from "../check.js";

export interface TopologyFinding {
  status: Extract<CheckStatus, "pass" | "warn" | "fail">;
  detail: string;
}

/** What answered, per topology. Throws (like a store command) when nothing does. */
export async function describeTopology(
  connection: RedisConnection,
  settings: RedisSettings,
  timeoutMs: number,
): Promise<TopologyFinding> {
  if (connection.topology === "cluster") return describeCluster(connection.client as Cluster);
  if (connection.topology === "sentinel") return describeSentinel(connection, settings, timeoutMs);
  await connection.client.ping();
  return { status: "pass", detail: `One Redis server at ${connection.target.redacted} answered PING.` };
}

async function describeCluster(cluster: Cluster): Promise<TopologyFinding> {
  const info = String(await cluster.cluster("INFO"));
  const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? "unknown";
  const masters = cluster.nodes("master");
  const answers = await Promise.allSettled(masters.map((node) => node.ping()));
  const names = masters.map((node) => `${node.options.host}:${node.options.port}`);
  const silent = names.filter((_, i) => answers[i]?.status === "rejected");
  const detail =
    `Redis Cluster: ${masters.length - silent.length} of ${masters.length} masters answered PING ` +
    `(${names.join(", ")}); cluster_state:${state}.` +
    (silent.length ? ` No answer from ${silent.join(", ")}: the keys on their slots are unreachable.` : "");
  return { status: state === "ok" && silent.length === 0 ? "pass" : "fail", detail };
}

async function describeSentinel(
  connection: RedisConnection,
  settings: RedisSettings,
  timeoutMs: number,
): Promise<TopologyFinding> {
  const name = settings.sentinelMasterName as string;
  const sentinels = settings.sentinels ?? [];
  const answers = await Promise.all(
    sentinels.map((node) => askSentinel(node.host, node.port, name, settings.sentinelPassword, timeoutMs)),
  );
  const labels = sentinels.map((node) => `${node.host}:${node.port}`);
  const knowing = answers.filter(
    (answer): answer is string => typeof answer === "string" && answer !== "auth",
  );
  const refusing = labels.filter((_, i) => answers[i] === "auth");
  const silent = labels.filter((_, i) => answers[i] === undefined);
  const unaware = labels.filter((_, i) => answers[i] === null);

  const sentinelsSay =
    `${knowing.length} of ${sentinels.length} sentinels name a master "${name}"` +
    (knowing.length ? ` (${[...new Set(knowing)].join(", ")})` : "");
  const problems = [
    silent.length ? `no answer from ${silent.join(", ")}` : "",
    refusing.length ? `${refusing.join(", ")} refused the password (REDIS_SENTINEL_PASSWORD)` : "",
    unaware.length ? `${unaware.join(", ")} do not know a master named "${name}"` : "",
    new Set(knowing).size > 1 ? "the sentinels disagree on the master" : "",
  ].filter(Boolean);
  let replicas: number;
  try {
    await connection.client.ping();
    const role = (await (connection.client as Redis).role()) as unknown[];
    replicas = Array.isArray(role[2]) ? role[2].length : 0;
  } catch (error) {
    const reason = unavailable("ping", error, connection.target, connection.lastError).message;
    const why = problems.length ? ` (${problems.join("; ")})` : "";
    return { status: "fail", detail: `Redis Sentinel: ${sentinelsSay}${why}. ${reason}` };
  }
  if (replicas === 0) problems.push("the master has no replica, so a failover has nothing to promote");
  const detail =
    `Redis Sentinel: ${sentinelsSay}, out of ${labels.join(", ")}; ` +
    `the master answered PING and has ${replicas} replica${replicas === 1 ? "" : "s"}.` +
    (problems.length ? ` Warning: ${problems.join("; ")}.` : "");
  return { status: problems.length ? "warn" : "pass", detail };
}

/**
 * The master's host:port as one sentinel sees it; null: it does not know the name; "auth": it
 * refused the password; undefined: no answer.
 */
async function askSentinel(
  host: string,
  port: number,
  name: string,
  password: string | undefined,
  timeoutMs: number,
): Promise<string | null | "auth" | undefined> {
  const sentinel = new Redis({
    host,
    port,
    password,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The AUTH refusal arrives as an "error" event; the failed call only says the connection closed.
  let refused = false;
  const noteRefusal = (error: Error) => {
    refused ||= /NOAUTH|WRONGPASS|invalid password/i.test(error.message);
  };
  sentinel.on("error", noteRefusal);
  try {
    await sentinel.connect();
    const address = (await sentinel.call("SENTINEL", "get-master-addr-by-name", name)) as string[] | null;
    return address ? `${address[0]}:${address[1]}` : null;
  } catch (error) {
    noteRefusal(error as Error);
    return refused ? "auth" : undefined;
  } finally {
    sentinel.disconnect();
  }
}
