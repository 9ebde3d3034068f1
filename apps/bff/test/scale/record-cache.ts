import type { KeyValueStore } from "../../src/session/kv-store.js";
import { SESSION_KEY_PREFIX } from "../../src/session/session-keys.js";
import type { CookieJar } from "../helpers/test-app.js";

/** The session id inside a jar's signed `bff.sid` cookie. */
export function sessionIdOf(jar: CookieJar): string {
  const signed = decodeURIComponent(String(jar.cookies.get("bff.sid")));
  return signed.slice(0, signed.lastIndexOf("."));
}

/**
 * Counts the session-record reads each instance sends to its store: a request whose session came
 * from the instance's record cache reads nothing. Pass `wrap` as the fleet's `wrapStore`.
 */
export function recordReads() {
  const counts = new Map<number, number>();
  /** Runs before each record read of instance `index` resolves (to hold one mid-flight). */
  const hooks = new Map<number, (key: string) => Promise<void>>();
  const wrap = (store: KeyValueStore, index: number): KeyValueStore =>
    new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property !== "get") return typeof value === "function" ? value.bind(target) : value;
        return async (key: string) => {
          const result = await target.get(key);
          if (key.startsWith(SESSION_KEY_PREFIX)) {
            counts.set(index, (counts.get(index) ?? 0) + 1);
            await hooks.get(index)?.(key);
          }
          return result;
        };
      },
    });
  return {
    wrap,
    /** Record reads instance `index` made so far. */
    of: (index: number) => counts.get(index) ?? 0,
    /** Holds instance `index`'s record reads in `hook` after the store answered (undefined: none). */
    hold(index: number, hook: ((key: string) => Promise<void>) | undefined) {
      if (hook) hooks.set(index, hook);
      else hooks.delete(index);
    },
  };
}
