import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { redisForFile } from "../helpers/redis-server.js";
import { ADELE, api, type CookieJar, signIn } from "../helpers/test-app.js";
import { type Instance, startFleet } from "./fleet.js";

/**
 * Issue 14, item 1: a refresh in flight while the user signs out. Instance A redeems the refresh
 * token; before MSAL writes the new tokens back, the user signs out on instance B. The write-back,
 * the shared `at:` token and A's in-process copy must all stay gone.
 */
const redisUrl = redisForFile();

/** A's store: runs `hook` before the first token-cache write after `arm()`. */
function pausingStore(store: KeyValueStore) {
  let hook: (() => Promise<void>) | undefined;
  const wrapped: KeyValueStore = {
    ...store,
    kind: store.kind,
    async setUnlessTombstoned(key, value, ttlMs, tombstone) {
      const run = key.startsWith("tc:") ? hook : undefined;
      if (run) {
        hook = undefined;
        await run();
      }
      return store.setUnlessTombstoned(key, value, ttlMs, tombstone);
    },
  };
  return { wrapped, arm: (fn: () => Promise<void>) => (hook = fn) };
}

function sessionId(jar: CookieJar): string {
  const signed = decodeURIComponent(String(jar.cookies.get("bff.sid")));
  return signed.slice(0, signed.lastIndexOf("."));
}

describe.each([
  ["memory", () => undefined],
  ["redis", () => redisUrl()],
])("sign-out during a token refresh (%s store)", (_store, url) => {
  it("drops the refresh's write-back, shares no token and keeps none hot", async () => {
    const redisUrl = url();
    let armA: ((fn: () => Promise<void>) => void) | undefined;
    const fleet = await startFleet({
      ...(redisUrl ? { redisUrl } : {}),
      wrapStore: (store, index) => {
        if (index !== 0) return store;
        const pausing = pausingStore(store);
        armA = pausing.arm;
        return pausing.wrapped;
      },
    });
    try {
      const [a, b] = fleet.instances as [Instance, Instance];
      // A token due for renewal: the next /api/me on A must redeem the refresh token.
      fleet.emulator.setTokenLifetimes({ accessTokenSeconds: 240 });
      const jar = await signIn(a.app, fleet.emulator, ADELE);
      fleet.emulator.setTokenLifetimes({ accessTokenSeconds: 3600 });

      let signedOut = 0;
      armA?.(async () => {
        const out = await b.app.inject({
          method: "POST",
          url: "/logout",
          headers: { "x-csrf": "1", cookie: jar.header() },
        });
        signedOut = out.statusCode;
      });
      const me = await api(a.app, jar, "/api/me");

      expect(signedOut).toBe(200);
      // The refresh really happened, and succeeded, while the user signed out.
      expect(fleet.emulator.requests({ grantType: "refresh_token" }).map((r) => r.status)).toEqual([200]);
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe("unauthenticated");
      for (const prefix of ["sess:", "tc:", "at:"]) expect(await a.store.count(prefix)).toBe(0);
      for (const instance of [a, b]) {
        expect((await api(instance.app, jar, "/api/session")).json().authenticated).toBe(false);
        expect((await api(instance.app, jar, "/api/me")).statusCode).toBe(401);
      }
      // Not even A's in-process cache serves the refreshed token for this session.
      const id = sessionId(jar);
      await expect(a.app.auth.tokens.getAccessToken({ cacheKey: id, homeAccountId: "x" })).rejects.toThrow();
    } finally {
      await fleet.close();
    }
  });
});
