import { LRUCache } from "lru-cache";
import { AppError } from "../errors.js";

interface Usage {
  windowStart: number;
  count: number;
  active: number;
}

/**
 * Per session and declared API: at most `perMinute` requests in a fixed one-minute window and
 * `concurrent` upstream calls at once, so one tab cannot exhaust an upstream or the BFF's pool.
 * Kept in this process (each instance enforces its own share). Over a limit: 429 rate_limited.
 */
export class ApiLimits {
  readonly #usage = new LRUCache<string, Usage>({ max: 100_000 });

  /** Reserves a slot; the returned function releases it (call it once the upstream call is over). */
  acquire(key: string, perMinute: number, concurrent: number, now = Date.now()): () => void {
    let usage = this.#usage.get(key);
    if (!usage) {
      usage = { windowStart: now, count: 0, active: 0 };
      this.#usage.set(key, usage);
    }
    if (now - usage.windowStart >= 60_000) {
      usage.windowStart = now;
      usage.count = 0;
    }
    if (usage.count >= perMinute) {
      const retryAfter = Math.max(1, Math.ceil((usage.windowStart + 60_000 - now) / 1000));
      throw new AppError("rate_limited", 429, "Too many requests to this API; try again later.", {
        retryAfter,
      });
    }
    if (usage.active >= concurrent) {
      throw new AppError("rate_limited", 429, "Too many calls to this API at once; try again shortly.", {
        retryAfter: 1,
      });
    }
    usage.count += 1;
    usage.active += 1;
    let released = false;
    const held = usage;
    return () => {
      if (released) return;
      released = true;
      held.active -= 1;
    };
  }
}
