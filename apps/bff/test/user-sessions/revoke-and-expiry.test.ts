import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import { runSessionsCommand } from "../../src/user-sessions/revoke-command.js";
import { type RedisServer, startRedisServer } from "../helpers/redis-server.js";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";
import { until } from "../helpers/until.js";

let server: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A BFF on the shared Redis under a key prefix of its own, and the env the CLI would read. */
async function redisApp(config = {}) {
  const env = { REDIS_URL: server.url, REDIS_KEY_PREFIX: `revoke-${++prefixes}:` };
  const store = createRedisStore({ url: server.url, keyPrefix: env.REDIS_KEY_PREFIX });
  const t = await buildTestApp({ env, config, store });
  return { ...t, env };
}

describe("pnpm run sessions -- revoke", () => {
  it("--tid --oid ends every session of that user and no one else's", async () => {
    const { app, emulator, env } = await redisApp();
    const adele1 = await signIn(app, emulator, ADELE);
    const adele2 = await signIn(app, emulator, ADELE);
    const other = emulator.users.map((u) => u.userPrincipalName).find((u) => u !== ADELE) as string;
    const stranger = await signIn(app, emulator, other);
    const { user } = (await api(app, adele1, "/api/session")).json();

    const result = await runSessionsCommand(["revoke", "--tid", user.tid, "--oid", user.oid], env);
    expect(result).toEqual({
      exitCode: 0,
      output: `Ended 2 sessions of user ${user.oid} in tenant ${user.tid}.`,
    });
    for (const jar of [adele1, adele2]) {
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    }
    expect((await api(app, stranger, "/api/session")).json().authenticated).toBe(true);
  });

  it("--all ends every session in the store", async () => {
    const { app, emulator, env } = await redisApp();
    const jars = [await signIn(app, emulator, ADELE), await signIn(app, emulator, ADELE)];
    const result = await runSessionsCommand(["--", "revoke", "--all"], env);
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe("Ended 2 sessions in the store.");
    for (const jar of jars) expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
  });

  it.each([
    [[], "Expected the command `revoke`."],
    [["revoke"], "revoke needs --tid and --oid, or --all."],
    [["revoke", "--all", "--oid", "x"], "--all cannot be combined"],
    [["revoke", "--tid", "*", "--oid", "*"], "are GUIDs"],
    [["revoke", "--bogus"], "Unknown option"],
  ])("refuses %j with usage (exit 2)", async (argv, message) => {
    const result = await runSessionsCommand(argv, { REDIS_URL: server.url });
    expect(result.exitCode).toBe(2);
    expect(result.output).toContain(message);
  });

  it("explains that a memory store cannot be reached from outside the BFF", async () => {
    const result = await runSessionsCommand(["revoke", "--all"], {});
    expect(result.exitCode).toBe(2);
    expect(result.output).toMatch(/REDIS_URL.*memory of the running BFF/s);
  });
});

describe("the session index after every session expired", () => {
  it.each([
    ["memory", () => createMemoryStore()],
    ["redis", () => createRedisStore({ url: server.url, keyPrefix: `expiry-${++prefixes}:` })],
  ])("is empty (%s), without anyone reading it", async (_name, makeStore) => {
    const store = makeStore();
    const { app, emulator } = await buildTestApp({ store, config: { sessionIdleMs: 1500 } });
    await signIn(app, emulator, ADELE);
    await signIn(app, emulator, ADELE);
    expect(await store.keys("uix:")).toHaveLength(1);
    expect((await store.keys("six:")).length).toBeGreaterThan(0);
    expect(await store.count("sess:")).toBe(2);
    await until(async () => (await store.count("sess:")) === 0, "sessions expired");
    await until(async () => (await store.keys("uix:")).length === 0, "user index expired");
    await until(async () => (await store.keys("six:")).length === 0, "sid lookups expired");
  });
});
