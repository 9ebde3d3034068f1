import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { Emulator, EmulatorConfig } from "@entra-bff/entra-emulator";
import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";
import { buildApp } from "../../src/app.js";
import { type AppConfig, loadConfig } from "../../src/config.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { createRedisStore } from "../../src/session/redis-store.js";
import type { SessionTiming } from "../../src/session/session-plugin.js";
import { startEmulatorFor } from "../helpers/emulator.js";
import { redisForFile } from "../helpers/redis-server.js";
import { idpFor, PUBLIC_URL } from "../helpers/test-app.js";

/** One BFF instance of the fleet, with its own Redis client and captured logs. */
export interface Instance {
  app: FastifyInstance;
  store: KeyValueStore;
  /** Every log line this instance wrote, parsed. */
  logs(): Array<Record<string, unknown>>;
}

/**
 * Several BFF instances as a load balancer without sticky sessions sees them: same config,
 * same session secret, one emulator, one Redis, each instance with its own Redis connection
 * and its own in-process caches. Nothing is shared in memory between instances.
 */
export interface Fleet {
  emulator: Emulator;
  config: AppConfig;
  /** The Redis key prefix of this fleet (tests of one file share one redis-server). */
  keyPrefix: string;
  instances: Instance[];
  /**
   * Builds one more instance on the same Redis (a restarted or scaled-out process), optionally
   * with its own settings (e.g. a rotated SESSION_SECRET).
   */
  addInstance(overrides?: Partial<AppConfig>): Promise<Instance>;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The Redis every instance connects to; without one, the instances share one memory store. */
  redisUrl?: string;
  size?: number;
  /** Redis command timeout. Generous by default: a loaded CI machine must not fail a healthy run. */
  commandTimeoutMs?: number;
  /** Session touch interval and clock of every instance. */
  sessionTiming?: SessionTiming;
  /** The emulator's tenant (default: its built-in one). */
  emulatorConfig?: EmulatorConfig;
  /** Settings every instance gets on top of the fleet's config (e.g. declared APIs). */
  config?: Partial<AppConfig>;
  /** Wraps the store of the instance with this index (e.g. to pause a write mid-flight). */
  wrapStore?: (store: KeyValueStore, index: number) => KeyValueStore;
}

/** Starts an emulator and `size` BFF instances sharing `redisUrl` (or one memory store). */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const emulator = await startEmulatorFor({
    publicUrl: PUBLIC_URL,
    ...(options.emulatorConfig ? { config: options.emulatorConfig } : {}),
  });
  const keyPrefix = `fleet-${randomBytes(6).toString("hex")}:`;
  const base = loadConfig({
    PUBLIC_URL,
    SESSION_SECRET: "a-fleet-session-secret-shared-by-all-instances-0123456789",
    LOG_LEVEL: "info",
    WEB_DIST_DIR: "/nonexistent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: keyPrefix } : {}),
  });
  const sharedMemory = options.redisUrl ? undefined : createMemoryStore();
  const config: AppConfig = {
    ...base,
    idp: idpFor(emulator),
    ...options.config,
  };

  const instances: Instance[] = [];
  const all: Instance[] = [];
  async function addInstance(overrides: Partial<AppConfig> = {}): Promise<Instance> {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const base =
      sharedMemory ??
      createRedisStore({
        url: options.redisUrl ?? "",
        keyPrefix,
        commandTimeoutMs: options.commandTimeoutMs ?? 3000,
        connectTimeoutMs: 3000,
        maxReconnectDelayMs: 200,
      });
    const store = options.wrapStore ? options.wrapStore(base, all.length) : base;
    const app = await buildApp(
      { ...config, ...overrides },
      {
        store,
        logStream,
        ...(options.sessionTiming ? { sessionTiming: options.sessionTiming } : {}),
      },
    );
    await app.ready();
    const instance: Instance = {
      app,
      store,
      logs: () =>
        lines
          .join("")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
    all.push(instance);
    return instance;
  }
  for (let i = 0; i < (options.size ?? 2); i++) instances.push(await addInstance());

  return {
    emulator,
    config,
    keyPrefix,
    instances,
    addInstance,
    async close() {
      // Closing an already closed app resolves, so restarted instances may be closed twice.
      await Promise.allSettled(all.map((instance) => instance.app.close()));
      await emulator.close();
    },
  };
}

/**
 * For a test file: one redis-server for the whole file and a fresh fleet on it per test, closed
 * after each test. Returns the function that starts that test's fleet.
 */
export function fleetsOnSharedRedis(): (options?: Omit<FleetOptions, "redisUrl">) => Promise<Fleet> {
  const redisUrl = redisForFile();
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });
  return async (options = {}) => {
    fleet = await startFleet({ ...options, redisUrl: redisUrl() });
    return fleet;
  };
}
