import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type RedisServer, startRedisServer } from "./redis-server.js";
import { until } from "./until.js";

/** Three masters, no replicas: the smallest Redis Cluster, built with Debian's redis-cli. */
export interface RedisCluster {
  nodes: RedisServer[];
  /** `127.0.0.1:PORT` of every node, the form REDIS_CLUSTER_NODES takes. */
  addresses: string[];
  /** The password every node requires, when one was asked for. */
  password: string | undefined;
  stop(): Promise<void>;
}

export async function startRedisCluster(options: { password?: string } = {}): Promise<RedisCluster> {
  const { password } = options;
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startRedisServer({
        ...(password ? { password } : {}),
        args: [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          ...(password ? ["--masterauth", password] : []),
        ],
      }),
    ),
  );
  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  const auth = password ? ["-a", password, "--no-auth-warning"] : [];
  await promisify(execFile)("redis-cli", [...auth, "--cluster", "create", ...addresses, "--cluster-yes"]);
  // `create` returns once slots are assigned; wait until every node agrees the cluster is up.
  for (const port of nodes.map((node) => node.port)) {
    await until(
      async () => {
        const info = await promisify(execFile)("redis-cli", [...auth, "-p", String(port), "cluster", "info"]);
        return info.stdout.includes("cluster_state:ok");
      },
      "the Redis Cluster to form",
      10_000,
    );
  }
  return {
    nodes,
    addresses,
    password,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}
