import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const PASSWORD = "hunter2-p@ss:w/rd";

function redisOf(env: Record<string, string>) {
  return loadConfig(env).redis;
}

describe("Redis topology from the environment", () => {
  it("keeps state in memory when none of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS is set", () => {
    expect(redisOf({})).toBeUndefined();
  });

  it("reads one server from REDIS_URL, as before", () => {
    expect(redisOf({ REDIS_URL: "redis://:pw@cache:6380/2", REDIS_KEY_PREFIX: "app:" })).toEqual({
      url: "redis://:pw@cache:6380/2",
      keyPrefix: "app:",
    });
  });

  it("reads Cluster seed nodes, with port 6379 by default and IPv6 in brackets", () => {
    expect(redisOf({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, 10.0.0.2 ,[::1]:7002" })).toEqual({
      url: "redis://10.0.0.1:7000",
      cluster: {
        nodes: [
          { host: "10.0.0.2", port: 6379 },
          { host: "::1", port: 7002 },
        ],
      },
    });
  });

  it("takes the Cluster's credentials and TLS from a rediss:// entry, percent-encoded", () => {
    const redis = redisOf({
      REDIS_CLUSTER_NODES: `rediss://bff:${encodeURIComponent(PASSWORD)}@a.example:7000,b.example:7001`,
    });
    expect(redis).toEqual({
      url: `rediss://bff:${encodeURIComponent(PASSWORD)}@a.example:7000`,
      cluster: { nodes: [{ host: "b.example", port: 7001 }] },
    });
  });

  it("takes the Cluster's credentials from REDIS_USERNAME and REDIS_PASSWORD for bare entries", () => {
    const redis = redisOf({
      REDIS_CLUSTER_NODES: "a:7000,b:7001",
      REDIS_USERNAME: "bff",
      REDIS_PASSWORD: PASSWORD,
    });
    expect(redis?.url).toBe(`redis://bff:${encodeURIComponent(PASSWORD)}@a:7000`);
  });

  it("reads sentinels (port 26379 by default), the master's name and both passwords", () => {
    expect(
      redisOf({
        REDIS_SENTINELS: "s1:26380,s2",
        REDIS_SENTINEL_NAME: "mymaster",
        REDIS_SENTINEL_PASSWORD: "sentinel-pw",
        REDIS_PASSWORD: PASSWORD,
        REDIS_KEY_PREFIX: "bff:",
      }),
    ).toEqual({
      sentinels: [
        { host: "s1", port: 26380 },
        { host: "s2", port: 26379 },
      ],
      sentinelMasterName: "mymaster",
      sentinelPassword: "sentinel-pw",
      password: PASSWORD,
      keyPrefix: "bff:",
    });
  });
});

describe("refused Redis settings", () => {
  it.each([
    [
      { REDIS_URL: "redis://a", REDIS_CLUSTER_NODES: "b:7000" },
      "REDIS_CLUSTER_NODES",
      /cannot be combined with REDIS_URL/,
    ],
    [
      { REDIS_URL: "redis://a", REDIS_SENTINELS: "s:26379" },
      "REDIS_SENTINELS",
      /cannot be combined with REDIS_URL/,
    ],
    [
      { REDIS_CLUSTER_NODES: "b:7000", REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "m" },
      "REDIS_SENTINELS",
      /cannot be combined with REDIS_CLUSTER_NODES/,
    ],
    [{ REDIS_SENTINELS: "s:26379" }, "REDIS_SENTINEL_NAME", /is missing.*sentinel monitor/],
    [{ REDIS_SENTINEL_NAME: "m" }, "REDIS_SENTINEL_NAME", /only applies with REDIS_SENTINELS/],
    [{ REDIS_URL: "redis://a", REDIS_SENTINEL_PASSWORD: "x" }, "REDIS_SENTINEL_PASSWORD", /only applies/],
    [
      { REDIS_URL: "redis://a", REDIS_PASSWORD: PASSWORD },
      "REDIS_PASSWORD",
      /put the credentials in REDIS_URL/,
    ],
    [{ REDIS_USERNAME: "bff" }, "REDIS_USERNAME", /only applies with REDIS_CLUSTER_NODES or REDIS_SENTINELS/],
    [{ REDIS_URL: "redis://:pw@/0" }, "REDIS_URL", /is not a valid URL \(expected redis:\/\//],
    [{ REDIS_CLUSTER_NODES: "a:7000,,b:7001" }, "REDIS_CLUSTER_NODES", /entry 2 is empty/],
    [{ REDIS_CLUSTER_NODES: "a:7000,not a host" }, "REDIS_CLUSTER_NODES", /entry 2 is not a host:port/],
    [{ REDIS_CLUSTER_NODES: "http://a:7000" }, "REDIS_CLUSTER_NODES", /must use redis:\/\/ or rediss:\/\//],
    [{ REDIS_CLUSTER_NODES: "redis://a:7000/3" }, "REDIS_CLUSTER_NODES", /only database 0/],
    [{ REDIS_CLUSTER_NODES: "a:99999" }, "REDIS_CLUSTER_NODES", /entry 1 is not a host:port/],
    [
      { REDIS_CLUSTER_NODES: `:${PASSWORD}@a:7000` },
      "REDIS_CLUSTER_NODES",
      /write it as redis:\/\/username:password@host:port/,
    ],
    [
      { REDIS_CLUSTER_NODES: "redis://a:7000,rediss://b:7001" },
      "REDIS_CLUSTER_NODES",
      /mixes redis:\/\/ and rediss:\/\//,
    ],
    [
      { REDIS_CLUSTER_NODES: `redis://:${encodeURIComponent(PASSWORD)}@a:7000,redis://:other@b:7001` },
      "REDIS_CLUSTER_NODES",
      /different credentials/,
    ],
    [
      { REDIS_CLUSTER_NODES: `redis://:${encodeURIComponent(PASSWORD)}@a:7000`, REDIS_PASSWORD: PASSWORD },
      "REDIS_PASSWORD",
      /give them in one place/,
    ],
    [{ REDIS_CLUSTER_NODES: "redis://:%zz@a:7000" }, "REDIS_CLUSTER_NODES", /badly percent-encoded/],
    [
      { REDIS_SENTINELS: `redis://:${PASSWORD}@s:26379`, REDIS_SENTINEL_NAME: "m" },
      "REDIS_SENTINELS",
      /without a scheme; REDIS_SENTINEL_PASSWORD holds a password/,
    ],
    [
      { REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "my master" },
      "REDIS_SENTINEL_NAME",
      /master's name/,
    ],
  ])("refuses %o, naming %s and the fix", (env, variable, message) => {
    let error: ConfigError | undefined;
    try {
      loadConfig(env as Record<string, string>);
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${error}`);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(encodeURIComponent(PASSWORD));
  });
});
