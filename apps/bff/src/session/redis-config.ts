import { Type } from "typebox";
import { ConfigError } from "../config-problems.js";
import type { RedisConnectionOptions, RedisNode } from "./redis-connection.js";
import { parseRedisUrl } from "./redis-url.js";

/** Where the BFF keeps its state: one Redis, a Redis Cluster, or the master Sentinels name. */
export type RedisSettings = Pick<
  RedisConnectionOptions,
  | "url"
  | "keyPrefix"
  | "cluster"
  | "sentinels"
  | "sentinelMasterName"
  | "sentinelPassword"
  | "username"
  | "password"
>;

/** The REDIS_* variables of config.ts' environment schema. Each `description` says how to fix a bad value. */
export const RedisEnvSchema = {
  REDIS_URL: Type.Optional(
    Type.String({ pattern: "^rediss?://", description: "a redis:// or rediss:// URL" }),
  ),
  REDIS_KEY_PREFIX: Type.Optional(
    Type.String({ pattern: "^[A-Za-z0-9:_.-]{1,64}$", description: "e.g. bff:" }),
  ),
  REDIS_CLUSTER_NODES: Type.Optional(
    Type.String({ minLength: 1, description: "comma-separated host:port (or redis://…) Cluster nodes" }),
  ),
  REDIS_SENTINELS: Type.Optional(
    Type.String({ minLength: 1, description: "comma-separated host:port of the sentinels" }),
  ),
  REDIS_SENTINEL_NAME: Type.Optional(
    Type.String({
      pattern: "^[A-Za-z0-9._:-]{1,64}$",
      description: "the master's name in sentinel.conf, e.g. mymaster",
    }),
  ),
  REDIS_SENTINEL_PASSWORD: Type.Optional(
    Type.String({ minLength: 1, description: "the sentinels' password" }),
  ),
  REDIS_USERNAME: Type.Optional(Type.String({ minLength: 1, description: "a Redis ACL user name" })),
  REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: "the Redis password" })),
};

/** The REDIS_* variables, already trimmed and shape-checked by the schema. */
export type RedisEnv = { [K in keyof typeof RedisEnvSchema]?: string };

const TOPOLOGIES = ["REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS"] as const;
const ONE_OF =
  "set only one of REDIS_URL (one Redis), REDIS_CLUSTER_NODES (Redis Cluster) or REDIS_SENTINELS (Redis Sentinel)";
const CLUSTER_SHAPE = "host:port or redis[s]://[username:password@]host:port, comma-separated";
const SENTINEL_SHAPE = "host:port of each sentinel, comma-separated (port 26379 when left out)";

/**
 * Chooses the topology from the environment and checks it, so a bad combination stops the BFF
 * at start with the variable to fix, never at the first request. Undefined: no Redis (memory).
 * Errors never repeat a value that may hold a password.
 */
export function loadRedisSettings(env: RedisEnv): RedisSettings | undefined {
  const [chosen, second] = TOPOLOGIES.filter((name) => env[name] !== undefined);
  if (chosen && second) throw new ConfigError(second, `cannot be combined with ${chosen}: ${ONE_OF}`);
  for (const name of ["REDIS_SENTINEL_NAME", "REDIS_SENTINEL_PASSWORD"] as const) {
    if (env[name] !== undefined && chosen !== "REDIS_SENTINELS") {
      throw new ConfigError(name, "only applies with REDIS_SENTINELS: set REDIS_SENTINELS too, or remove it");
    }
  }
  for (const name of ["REDIS_USERNAME", "REDIS_PASSWORD"] as const) {
    if (env[name] === undefined || chosen === "REDIS_SENTINELS" || chosen === "REDIS_CLUSTER_NODES") continue;
    throw new ConfigError(
      name,
      chosen === "REDIS_URL"
        ? "put the credentials in REDIS_URL instead (redis://username:password@host:port)"
        : "only applies with REDIS_CLUSTER_NODES or REDIS_SENTINELS: set one of them too, or remove it",
    );
  }
  const prefix = env.REDIS_KEY_PREFIX ? { keyPrefix: env.REDIS_KEY_PREFIX } : {};
  if (chosen === "REDIS_URL") return { url: checkedUrl(env.REDIS_URL as string), ...prefix };
  if (chosen === "REDIS_CLUSTER_NODES") return { ...clusterSettings(env), ...prefix };
  if (chosen === "REDIS_SENTINELS") return { ...sentinelSettings(env), ...prefix };
  return undefined;
}

function checkedUrl(url: string): string {
  try {
    parseRedisUrl(url);
  } catch (error) {
    throw new ConfigError("REDIS_URL", (error as Error).message.replace(/^REDIS_URL /, ""));
  }
  return url;
}

/** The seed nodes; one username, password and TLS setting for the whole Cluster. */
function clusterSettings(env: RedisEnv): RedisSettings {
  const variable = "REDIS_CLUSTER_NODES";
  const nodes = parseNodes(variable, env.REDIS_CLUSTER_NODES as string, 6379, true);
  const schemes = new Set(nodes.map((node) => node.scheme).filter(Boolean));
  if (schemes.size > 1) {
    throw new ConfigError(
      variable,
      "mixes redis:// and rediss://: every node of a Cluster uses TLS, or none",
    );
  }
  const withCredentials = nodes.filter((node) => node.username !== undefined || node.password !== undefined);
  const distinct = new Set(withCredentials.map((node) => JSON.stringify([node.username, node.password])));
  if (distinct.size > 1) {
    throw new ConfigError(
      variable,
      "gives different credentials for different nodes: a Cluster has one, give it once",
    );
  }
  const fromList = withCredentials[0];
  if (fromList && (env.REDIS_USERNAME !== undefined || env.REDIS_PASSWORD !== undefined)) {
    throw new ConfigError(
      env.REDIS_PASSWORD !== undefined ? "REDIS_PASSWORD" : "REDIS_USERNAME",
      "conflicts with the credentials inside REDIS_CLUSTER_NODES: give them in one place only",
    );
  }
  const [seed, ...others] = nodes as [ListedNode, ...ListedNode[]];
  const auth = credentialsForUrl(
    fromList?.username ?? env.REDIS_USERNAME,
    fromList?.password ?? env.REDIS_PASSWORD,
  );
  const host = seed.host.includes(":") ? `[${seed.host}]` : seed.host;
  return {
    url: `${[...schemes][0] ?? "redis:"}//${auth}${host}:${seed.port}`,
    cluster: { nodes: others.map(({ host, port }) => ({ host, port })) },
  };
}

function sentinelSettings(env: RedisEnv): RedisSettings {
  const sentinels = parseNodes("REDIS_SENTINELS", env.REDIS_SENTINELS as string, 26379, false);
  if (!env.REDIS_SENTINEL_NAME) {
    throw new ConfigError(
      "REDIS_SENTINEL_NAME",
      "is missing: set the name of the master the sentinels watch (`sentinel monitor <name> …`, often mymaster)",
    );
  }
  return {
    sentinels: sentinels.map(({ host, port }) => ({ host, port })),
    sentinelMasterName: env.REDIS_SENTINEL_NAME,
    ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
  };
}

interface ListedNode extends RedisNode {
  scheme?: string;
  username?: string;
  password?: string;
}

function parseNodes(variable: string, value: string, defaultPort: number, allowUrls: boolean): ListedNode[] {
  const shape = allowUrls ? CLUSTER_SHAPE : SENTINEL_SHAPE;
  const entries = value.split(",").map((entry) => entry.trim());
  return entries.map((entry, index) => {
    const fail = (problem: string): never => {
      throw new ConfigError(variable, `entry ${index + 1} ${problem} (use ${shape})`);
    };
    if (entry === "") fail("is empty");
    const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(entry);
    if (hasScheme && !allowUrls)
      fail("must be host:port, without a scheme; REDIS_SENTINEL_PASSWORD holds a password");
    if (!hasScheme && /[@/?#]/.test(entry)) {
      fail(
        allowUrls
          ? "has credentials or a path: write it as redis://username:password@host:port"
          : "must be host:port",
      );
    }
    let url: URL | undefined;
    try {
      url = new URL(hasScheme ? entry : `redis://${entry}`);
    } catch {
      fail("is not a host:port");
    }
    const parsed = url as URL;
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") fail("must use redis:// or rediss://");
    if (!parsed.hostname) fail("has no host");
    if (parsed.search || parsed.hash || !["", "/", "/0"].includes(parsed.pathname)) {
      fail("has a path: a Redis Cluster has only database 0, leave the path out");
    }
    const port = parsed.port ? Number(parsed.port) : defaultPort;
    if (port < 1) fail("has port 0");
    const decode = (text: string): string => {
      try {
        return decodeURIComponent(text);
      } catch {
        return fail("has a badly percent-encoded username or password");
      }
    };
    return {
      host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
      port,
      ...(hasScheme ? { scheme: parsed.protocol } : {}),
      ...(parsed.username ? { username: decode(parsed.username) } : {}),
      ...(parsed.password ? { password: decode(parsed.password) } : {}),
    };
  });
}

function credentialsForUrl(username: string | undefined, password: string | undefined): string {
  const user = username ? encodeURIComponent(username) : "";
  if (password) return `${user}:${encodeURIComponent(password)}@`;
  return user ? `${user}@` : "";
}
