import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { AppConfig } from "../config.js";
import { tombstoneTtlMs } from "../session/session-keys.js";
import type { SessionBroadcast } from "./broadcast.js";
import { SessionIndex } from "./session-index.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Every user's live sessions: list, end one, end all; announced on `sessionBroadcast`. */
    userSessions: SessionIndex;
    sessionBroadcast: SessionBroadcast;
  }
}

export interface UserSessionsPluginOptions {
  config: AppConfig;
  events: SessionBroadcast;
}

/** Decorates `userSessions` (the per-user index over the KV store) and `sessionBroadcast` (who
 * ends a session tells every instance). */
export const userSessionsPlugin = fp<UserSessionsPluginOptions>(
  async (app: FastifyInstance, { config, events }) => {
    app.decorate("sessionBroadcast", events);
    app.decorate(
      "userSessions",
      new SessionIndex({ kv: app.kv, events, tombstoneMs: tombstoneTtlMs(config.idpTimeoutMs) }),
    );
    app.addHook("onClose", async () => events.close());
  },
  { name: "user-sessions", dependencies: ["kv"] },
);
