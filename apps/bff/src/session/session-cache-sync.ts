import type { SessionBroadcast } from "../user-sessions/broadcast.js";
import { digest } from "../user-sessions/digest.js";
import type { SessionRecordCache } from "./session-record-cache.js";

/** What the session store tells the record caches of every instance. */
export interface SessionRecordSync {
  /** A record was deleted here: this instance's copy goes (the end is announced by the index). */
  ended(id: string): void;
  /** A record was rewritten here (a touch): every instance's copy goes. */
  changed(id: string): Promise<void>;
}

/**
 * Wires a record cache to the session broadcast: every end or change announced by any instance
 * drops the cached copy, anything this instance announces drops its own copy first, and the cache
 * is flushed and off while the broadcast cannot deliver. Returns the broadcast to hand to the
 * session index (its announcements then also invalidate locally) and the store's sync.
 */
export function syncRecordCache(
  cache: SessionRecordCache,
  broadcast: SessionBroadcast,
): { cache: SessionRecordCache; broadcast: SessionBroadcast; sync: SessionRecordSync } {
  broadcast.subscribe((handle) => cache.invalidateHandle(handle));
  broadcast.subscribeChanged((handle) => cache.invalidateHandle(handle));
  broadcast.onDelivery((reliable) => cache.setEnabled(reliable));
  return {
    cache,
    broadcast: {
      ...broadcast,
      async publish(handle) {
        cache.invalidateHandle(handle);
        await broadcast.publish(handle);
      },
      async close() {
        cache.close();
        await broadcast.close();
      },
    },
    sync: {
      ended: (id) => cache.invalidate(id),
      async changed(id) {
        cache.invalidate(id);
        await broadcast.publishChanged(digest(id));
      },
    },
  };
}

/** No cache (the memory store): nothing to tell. */
export const noRecordSync: SessionRecordSync = {
  ended: () => {},
  changed: async () => {},
};
