import type { SessionStore } from "@fastify/session";
import type { Session } from "fastify";
import type { KeyValueStore } from "./kv-store.js";
import "./session-data.js";

export const SESSION_KEY_PREFIX = "sess:";

/**
 * Adapts the KeyValueStore to @fastify/session's callback store. Each record expires after
 * min(idle lifetime, remaining absolute lifetime), so the store itself forgets ended sessions.
 */
export function createFastifySessionStore(kv: KeyValueStore, idleMs: number): SessionStore {
  return {
    set(sessionId, session, callback) {
      const auth = (session as Session).auth;
      const ttl = auth ? Math.min(idleMs, auth.expiresAt - Date.now()) : idleMs;
      if (ttl <= 0) {
        kv.delete(SESSION_KEY_PREFIX + sessionId).then(() => callback(), callback);
        return;
      }
      kv.set(SESSION_KEY_PREFIX + sessionId, JSON.stringify(session), ttl).then(() => callback(), callback);
    },
    get(sessionId, callback) {
      kv.get(SESSION_KEY_PREFIX + sessionId).then((raw) => {
        if (raw === undefined) return callback(null, null);
        try {
          callback(null, JSON.parse(raw) as Session);
        } catch {
          callback(null, null); // a corrupt record is no session
        }
      }, callback);
    },
    destroy(sessionId, callback) {
      kv.delete(SESSION_KEY_PREFIX + sessionId).then(() => callback(), callback);
    },
  };
}
