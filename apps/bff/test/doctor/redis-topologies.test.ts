import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/doctor/check.js";
import { runDoctor } from "../../src/doctor/run.js";
import { freePort } from "../helpers/free-port.js";
import { type RedisCluster, startRedisCluster } from "../helpers/redis-cluster.js";
import { sentinelSetupForFile } from "../helpers/redis-sentinel.js";
import { startRedisServer } from "../helpers/redis-server.js";
import { emulator, tenantEnv } from "./doctor-tenant.js";

// Emulator mode (no ENTRA_*): the doctor checks the configuration, then Redis.
const CLUSTER_PASSWORD = "doctor-cluster-secret";

async function redisCheck(env: Record<string, string | undefined>) {
  const report = await runDoctor(env, { timeoutMs: 1500 });
  const check: CheckResult = report.checks.find((c) => c.id === "redis") ?? fail(report.checks);
  return { check, json: JSON.stringify(report), ok: report.ok };
}

function fail(checks: CheckResult[]): never {
  throw new Error(`no redis check in ${JSON.stringify(checks)}`);
}

describe("doctor: one Redis (REDIS_URL), with a real tenant", { timeout: 30_000 }, () => {
  it("fails when Redis does not answer, without showing its password", async () => {
    const port = await freePort();
    const env = tenantEnv(await emulator(), { REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` });
    const { check, json, ok } = await redisCheck(env);
    expect(check.status).toBe("fail");
    expect(check.detail).toContain("Redis cannot be reached");
    expect(json).not.toContain("hunter2-secret");
    expect(ok).toBe(false);
  });

  it("passes when Redis answers PING", async () => {
    const redisServer = await startRedisServer();
    try {
      const { check, ok } = await redisCheck(tenantEnv(await emulator(), { REDIS_URL: redisServer.url }));
      expect(check.status).toBe("pass");
      expect(ok).toBe(true);
    } finally {
      await redisServer.stop();
    }
  });
});

describe("doctor: Redis Cluster (REDIS_CLUSTER_NODES)", { timeout: 60_000 }, () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ password: CLUSTER_PASSWORD });
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("names the topology and every master that answered", async () => {
    const { check, json } = await redisCheck({
      REDIS_CLUSTER_NODES: cluster.addresses[0] as string,
      REDIS_PASSWORD: CLUSTER_PASSWORD,
    });
    expect(check.status).toBe("pass");
    expect(check.detail).toContain("Redis Cluster: 3 of 3 masters answered PING");
    for (const address of cluster.addresses) expect(check.detail).toContain(address);
    expect(check.detail).toContain("cluster_state:ok");
    expect(json).not.toContain(CLUSTER_PASSWORD);
  });

  it("fails with the fix, and without the password, when the credentials are wrong", async () => {
    const { check, json } = await redisCheck({
      REDIS_CLUSTER_NODES: cluster.addresses.join(","),
      REDIS_PASSWORD: "wrong-cluster-secret",
    });
    expect(check.status).toBe("fail");
    expect(check.fix).toContain("REDIS_CLUSTER_NODES");
    expect(json).not.toContain("wrong-cluster-secret");
  });
});

describe("doctor: Redis Sentinel (REDIS_SENTINELS)", { timeout: 60_000 }, () => {
  const setup = sentinelSetupForFile();

  it("names the master the sentinels agree on, how many answered, and its replica", async () => {
    const { check, json } = await redisCheck(setup().env);
    expect(check.status).toBe("pass");
    expect(check.detail).toContain(`3 of 3 sentinels name a master "${setup().masterName}"`);
    expect(check.detail).toContain(`127.0.0.1:${setup().master.port}`);
    expect(check.detail).toContain("has 1 replica");
    expect(json).not.toContain(setup().password);
    expect(json).not.toContain(setup().sentinelPassword);
  });

  it("warns about a sentinel that does not answer, and still passes the master", async () => {
    const silent = `127.0.0.1:${await freePort()}`;
    const { check } = await redisCheck({
      ...setup().env,
      REDIS_SENTINELS: `${setup().env.REDIS_SENTINELS},${silent}`,
    });
    expect(check.status).toBe("warn");
    expect(check.detail).toContain("3 of 4 sentinels");
    expect(check.detail).toContain(`no answer from ${silent}`);
  });

  it("fails, saying the sentinels do not know it, for a wrong master name", async () => {
    const { check } = await redisCheck({ ...setup().env, REDIS_SENTINEL_NAME: "not-the-master" });
    expect(check.status).toBe("fail");
    expect(check.detail).toContain('0 of 3 sentinels name a master "not-the-master"');
    expect(check.detail).toContain('do not know a master named "not-the-master"');
    expect(check.fix).toContain("REDIS_SENTINEL_NAME");
  });

  it("fails without repeating it when the sentinels' password is wrong", async () => {
    const { check, json } = await redisCheck({
      ...setup().env,
      REDIS_SENTINEL_PASSWORD: "wrong-sentinel-secret",
    });
    expect(check.status).toBe("fail");
    expect(check.detail).toContain("0 of 3 sentinels");
    expect(check.detail).toContain("refused the password (REDIS_SENTINEL_PASSWORD)");
    expect(json).not.toContain("wrong-sentinel-secret");
    expect(json).not.toContain(setup().password);
  });
});
