import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { connectRedis, type RedisConnectionOptions } from "../session/redis-connection.js";

/**
 * "This session ended", announced by whoever ends it and heard by every instance, so a browser's
 * event stream learns at once whichever instance it is connected to. The message is the session's
 * handle (a digest), never its id.
 */
export interface SessionBroadcast {
  publish(handle: string): Promise<void>;
  /** Calls `listener` for each ended session; returns the unsubscribe function. */
  subscribe(listener: (handle: string) => void): () => void;
  close(): Promise<void>;
}

/** One process: an in-process emitter (the memory store is single-instance anyway). */
export function createMemoryBroadcast(): SessionBroadcast {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(handle) {
      emitter.emit("ended", handle);
    },
    subscribe(listener) {
      emitter.on("ended", listener);
      return () => emitter.off("ended", listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Redis pub/sub on its own two connections (a subscribed connection can do nothing else).
 * Keyspace notifications would not do: they are per node on a Cluster, and an expiry is never
 * announced ahead of time. PUBLISH reaches every node of a Cluster.
 */
export function createRedisBroadcast(options: RedisConnectionOptions): SessionBroadcast {
  const publisher = connectRedis(options);
  const subscriber = connectRedis(options);
  const channel = `${publisher.keyPrefix}session-ended`;
  const local = createMemoryBroadcast();
  const sub = subscriber.client as Redis;
  const listen = () => {
    sub.subscribe(channel).catch((error: unknown) => {
      options.logger?.warn(
        { err: String(error) },
        "session event subscription failed; retrying on reconnect",
      );
    });
  };
  sub.on("ready", listen);
  sub.on("message", (from: string, message: string) => {
    if (from === channel) void local.publish(message);
  });
  return {
    async publish(handle) {
      await publisher.firstConnection;
      await publisher.client.publish(channel, handle);
    },
    subscribe: (listener) => local.subscribe(listener),
    async close() {
      await local.close();
      for (const connection of [publisher, subscriber]) connection.client.disconnect();
    },
  };
}
