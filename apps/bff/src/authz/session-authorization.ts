import type { KeyValueStore } from "../session/kv-store.js";
import { readRecord } from "../session/record-format.js";
import type { SessionAuth } from "../session/session-data.js";
import { sessionKeys } from "../session/session-keys.js";
import type { Authorization } from "./claims.js";

/**
 * The roles and groups a session has now. Sign-in writes them into the session record; each
 * refresh writes the ones of the new ID token under `authz:{id}` (same hash tag, ended with the
 * session behind its tombstone), which then wins. A separate key, so a concurrent touch of the
 * record can never write old roles back.
 */
export class SessionAuthorization {
  constructor(private readonly kv: KeyValueStore) {}

  async current(auth: Pick<SessionAuth, "cacheKey" | "roles" | "groups">): Promise<Authorization> {
    const refreshed = await this.#read(auth.cacheKey);
    return refreshed ?? { roles: auth.roles ?? [], groups: auth.groups ?? [] };
  }

  /** Records a refresh's roles and groups; false when the session has ended meanwhile. */
  save(sessionId: string, authz: Authorization, ttlMs: number): Promise<boolean> {
    if (ttlMs <= 0) return Promise.resolve(false);
    return this.kv.setUnlessTombstoned(
      sessionKeys.authorization(sessionId),
      JSON.stringify(authz),
      ttlMs,
      sessionKeys.tombstone(sessionId),
    );
  }

  /** What the last refresh recorded, else what the sign-in stored in the record. */
  async bySessionId(sessionId: string): Promise<Authorization | undefined> {
    const refreshed = await this.#read(sessionId);
    if (refreshed) return refreshed;
    // Through the record format, as every other reader: a record this release cannot read is none.
    const record = readRecord<{ auth?: Partial<SessionAuth> }>(
      "session",
      await this.kv.get(sessionKeys.record(sessionId)),
    );
    if (!record) return undefined;
    return { roles: record.auth?.roles ?? [], groups: record.auth?.groups ?? [] };
  }

  async #read(sessionId: string): Promise<Authorization | undefined> {
    const raw = await this.kv.get(sessionKeys.authorization(sessionId));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Authorization;
      return Array.isArray(parsed.roles) && Array.isArray(parsed.groups) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}
