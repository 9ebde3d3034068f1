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
  /** "This session's record changed" (a touch): other instances drop their cached copy. */
  publishChanged(handle: string): Promise<void>;
  subscribeChanged(listener: (handle: string) => void): void;
  /**
   * Whether messages can currently be lost (the subscription is down): told now and on every
   * change. Only then may an instance trust what it cached.
   */
  onDelivery(listener: (reliable: boolean) => void): void;
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
    async publishChanged(handle) {
      emitter.emit("changed", handle);
    },
    subscribeChanged(listener) {
      emitter.on("changed", listener);
    },
    onDelivery(listener) {
      listener(true);
      emitter.on("delivery", listener);
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
  const changedChannel = `${publisher.keyPrefix}session-changed`;
  const local = createMemoryBroadcast();
  const sub = subscriber.client as Redis;
  // `listen` subscribes on every "ready" and handles a refusal; ioredis' own resubscription after
  // a reconnect would leave its failure (NOPERM, a timeout) as an unhandled rejection, which ends
  // the process.
  sub.options.autoResubscribe = false;
  let reliable = false;
  const delivery = new EventEmitter();
  const setReliable = (now: boolean) => {
    if (now === reliable) return;
    reliable = now;
    delivery.emit("delivery", now);
  };
  const listen = () => {
    sub.subscribe(channel, changedChannel).then(
      () => setReliable(true),
      (error: unknown) => {
        setReliable(false);
        options.logger?.warn(
          { err: String(error) },
          "session event subscription failed; retrying on reconnect",
        );
      },
    );
  };
  sub.on("ready", listen);
  // Whatever was published while the connection was down is lost.
  for (const event of ["close", "reconnecting", "end"]) sub.on(event, () => setReliable(false));
  // The socket's end of stream comes with the read that finds it; ioredis' "close" only in a later
  // event-loop phase, after requests read in the same turn. Drop trust at the earliest sign.
  sub.on("connect", () => {
    (sub as { stream?: NodeJS.EventEmitter }).stream?.once("end", () => setReliable(false));
  });
  sub.on("message", (from: string, message: string) => {
    if (from === channel) void local.publish(message);
    else if (from === changedChannel) void local.publishChanged(message);
  });
  /**
   * PUBLISH answers the publisher before Redis has necessarily written the message to every
   * subscriber's socket (and a loaded Redis can be descheduled in between). Redis runs the next
   * command only after it wrote out everything pending, so one more round trip means every
   * instance's copy is on its way before the end or change is acknowledged to anyone. (On a
   * Cluster, subscribers of other nodes hear it over the cluster bus, later; the cache's 1 s bounds
   * that.)
   */
  const announce = async (to: string, handle: string) => {
    await publisher.firstConnection;
    await publisher.client.publish(to, handle);
    await publisher.client.ping();
  };
  return {
    publish: (handle) => announce(channel, handle),
    subscribe: (listener) => local.subscribe(listener),
    publishChanged: (handle) => announce(changedChannel, handle),
    subscribeChanged: (listener) => local.subscribeChanged(listener),
    onDelivery(listener) {
      listener(reliable);
      delivery.on("delivery", listener);
    },
    async close() {
      await local.close();
      for (const connection of [publisher, subscriber]) connection.client.disconnect();
    },
  };
}
