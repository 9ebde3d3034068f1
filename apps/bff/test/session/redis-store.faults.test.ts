import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type KeyValueStore, StoreUnavailableError } from "../../src/session/kv-store.js";
import { createRedisStore, type RedisStoreLogger } from "../../src/session/redis-store.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { until } from "../helpers/until.js";

const PASSWORD = "s3cret-Pa55:word/with@odd%chars";
const COMMAND_TIMEOUT_MS = 300;

/** Every operation of the contract, each as a call that must reject while Redis is away. */
const operations: Array<[string, (store: KeyValueStore) => Promise<unknown>]> = [
  ["get", (s) => s.get("sess:a")],
  ["set", (s) => s.set("sess:a", "v", 60_000)],
  ["delete", (s) => s.delete("sess:a")],
  ["take", (s) => s.take("login:a")],
  ["setIfAbsent", (s) => s.setIfAbsent("lock:refresh:a", "o", 5_000)],
  ["deleteIfEquals", (s) => s.deleteIfEquals("lock:refresh:a", "o")],
  ["count", (s) => s.count("sess:")],
  ["ping", (s) => s.ping()],
];

/** A hang detector, not a speed assertion: the promise must settle at all within `ms`. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      Promise.allSettled([promise]).then(([r]) => r as PromiseSettledResult<T>),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every own property of an error and its causes, as a logger's error serializer might see them. */
function dump(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 3) return JSON.stringify(error) ?? "";
  const own = Object.getOwnPropertyNames(error).map((name) => {
    const value = (error as unknown as Record<string, unknown>)[name];
    return `${name}=${name === "cause" ? dump(value, depth + 1) : JSON.stringify(value)}`;
  });
  return own.join(" ");
}

function capturingLogger(): RedisStoreLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
    warn: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
  };
}

let server: RedisServer;
let store: KeyValueStore;
let logger: ReturnType<typeof capturingLogger>;

beforeAll(async () => {
  server = await startRedisServer({ password: PASSWORD });
});
afterAll(async () => {
  await server?.stop();
});

describe("createRedisStore when Redis fails", () => {
  beforeAll(async () => {
    logger = capturingLogger();
    store = createRedisStore({
      url: server.url,
      keyPrefix: `faults:${randomUUID()}:`,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      maxReconnectDelayMs: 100,
      logger,
    });
    await store.set("sess:before", "kept?", 60_000);
  });
  afterAll(async () => {
    server.resume();
    await store.close();
  });
  afterEach(() => {
    server.resume();
  });

  it("rejects every operation with StoreUnavailableError once Redis is killed, and never hangs", async () => {
    await server.kill();
    for (const [name, call] of operations) {
      const result = await settleWithin(call(store), 5 * COMMAND_TIMEOUT_MS);
      expect(result.status, name).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason;
      expect(reason, name).toBeInstanceOf(StoreUnavailableError);
      expect(reason.code).toBe("session_store_unavailable");
      expect(reason.message, name).toContain(name);
    }
  });

  it("keeps every error and log line free of the password", async () => {
    const errors = await Promise.allSettled(operations.map(([, call]) => call(store)));
    const text = JSON.stringify(
      errors.map((e) => (e.status === "rejected" ? [e.reason.message, e.reason.cause?.message] : e)),
    );
    expect(errors.map((e) => e.status)).toEqual(operations.map(() => "rejected"));
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(logger.lines.join("\n")).not.toContain(PASSWORD);
    await until(() => logger.lines.some((l) => l.includes("failing closed")), "the outage to be logged");
    expect(logger.lines.join("\n")).not.toContain(PASSWORD);
  });

  it("serves again when Redis returns on the same port, without a new store", async () => {
    await server.restart();
    await until(async () => {
      await store.ping();
      return true;
    }, "the store to reconnect");
    await store.set("sess:after", "back", 60_000);
    expect(await store.get("sess:after")).toBe("back");
    // A restarted Redis without persistence is empty: nothing is served from a local copy.
    expect(await store.get("sess:before")).toBeUndefined();
    expect(logger.lines.some((l) => l.includes("session store reconnected"))).toBe(true);
  });

  it("times out every operation on a Redis that hangs (connection open, no answers)", async () => {
    await store.ping();
    server.pause();
    const results = await Promise.all(
      operations.map(([, call]) => settleWithin(call(store), 10 * COMMAND_TIMEOUT_MS)),
    );
    for (const [i, result] of results.entries()) {
      const name = operations[i]?.[0];
      expect(result.status, name).toBe("rejected");
      expect((result as PromiseRejectedResult).reason, name).toBeInstanceOf(StoreUnavailableError);
    }
    server.resume();
    await until(async () => {
      await store.ping();
      return true;
    }, "the store to answer again after the hang");
  });
});

describe("createRedisStore with credentials", () => {
  it("signs in with the password from the URL", async () => {
    const s = createRedisStore({ url: server.url, keyPrefix: `auth:${randomUUID()}:` });
    try {
      await s.set("sess:a", "v", 60_000);
      expect(await s.get("sess:a")).toBe("v");
    } finally {
      await s.close();
    }
  });

  it("fails closed without leaking the password when the password is wrong", async () => {
    const wrong = "wrong-password-9f2c";
    const logs = capturingLogger();
    const s = createRedisStore({
      url: `redis://:${wrong}@127.0.0.1:${server.port}`,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      logger: logs,
    });
    try {
      const error = await s.get("sess:a").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(dump(error)).not.toContain(wrong);
      expect(dump(error)).toContain("WRONGPASS");
      expect(logs.lines.join("\n")).not.toContain(wrong);
      await expect(s.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await s.close();
    }
  });

  it("fails closed when no password is given to a Redis that requires one", async () => {
    const s = createRedisStore({
      url: `redis://127.0.0.1:${server.port}`,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    try {
      await expect(s.set("sess:a", "v", 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await s.close();
    }
  });
});

describe("createRedisStore with an ACL user", () => {
  let aclServer: RedisServer;
  beforeAll(async () => {
    aclServer = await startRedisServer({
      args: ["--user", "default", "off", "--user", "bff", "on", ">alice-pw:1", "~entra-bff:*", "&*", "+@all"],
    });
  });
  afterAll(async () => {
    await aclServer?.stop();
  });

  it("signs in with username and password from the URL", async () => {
    const s = createRedisStore({
      url: `redis://bff:${encodeURIComponent("alice-pw:1")}@127.0.0.1:${aclServer.port}`,
    });
    try {
      await s.set("sess:acl", "ok", 60_000);
      expect(await s.get("sess:acl")).toBe("ok");
    } finally {
      await s.close();
    }
  });

  it("is refused outside the key pattern the ACL allows (the prefix really is applied)", async () => {
    const s = createRedisStore({
      url: `redis://bff:${encodeURIComponent("alice-pw:1")}@127.0.0.1:${aclServer.port}`,
      keyPrefix: "other-app:",
    });
    try {
      await expect(s.set("sess:acl", "no", 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await s.close();
    }
  });
});

describe("createRedisStore while Redis is down at start-up", () => {
  it("rejects at first and serves once Redis comes up, without a new store", async () => {
    const late = await startRedisServer();
    await late.kill();
    const s = createRedisStore({
      url: late.url,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      maxReconnectDelayMs: 100,
    });
    try {
      await expect(s.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await late.restart();
      await until(async () => {
        await s.ping();
        return true;
      }, "the store to connect once Redis is up");
      await s.set("sess:late", "v", 60_000);
      expect(await s.get("sess:late")).toBe("v");
    } finally {
      await s.close();
      await late.stop();
    }
  });
});
