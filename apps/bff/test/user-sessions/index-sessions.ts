import { randomBytes, randomUUID } from "node:crypto";
import type { SessionAuth } from "../../src/session/session-data.js";
import type { SessionBroadcast } from "../../src/user-sessions/broadcast.js";

/** A broadcast that goes nowhere: the memory tests measure the index alone. */
export const silentBroadcast: SessionBroadcast = {
  publish: async () => {},
  subscribe: () => () => {},
  publishChanged: async () => {},
  subscribeChanged: () => {},
  onDelivery: () => {},
  close: async () => {},
};

/**
 * `users × perUser` signed-in sessions as the index sees them, each with its own IdP `sid` and its
 * user's `sub`, ids as the sign-in makes them (32 random bytes, base64url).
 */
export function fakeSessions(users: number, perUser: number): Array<{ id: string; auth: SessionAuth }> {
  const now = Date.now();
  return Array.from({ length: users }, () => {
    const user = { tid: randomUUID(), oid: randomUUID(), name: "Test User", username: "user@example.com" };
    const sub = randomBytes(32).toString("base64url");
    return Array.from({ length: perUser }, () => {
      const id = randomBytes(32).toString("base64url");
      const auth: SessionAuth = {
        homeAccountId: `${user.oid}.${user.tid}`,
        user,
        cacheKey: id,
        sid: randomUUID(),
        sub,
        client: { browser: "Chrome", os: "Linux" },
        createdAt: now,
        expiresAt: now + 8 * 3_600_000,
        lastSeenAt: now,
      };
      return { id, auth };
    });
  }).flat();
}
