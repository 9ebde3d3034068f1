import type { Signer } from "@fastify/cookie";
import type { KeyValueStore } from "./kv-store.js";
import { readRecord } from "./record-format.js";
import type { SessionAuth } from "./session-data.js";
import { sessionKeys } from "./session-keys.js";
import type { SessionRecordCache } from "./session-record-cache.js";

/** The session a request's cookie names, as the lean reader loaded it. */
export interface LoadedSession {
  /** The session id (the store key's id; never sent anywhere but in the signed cookie). */
  id: string;
  /** The cookie value as it should be: the id signed with the newest secret. */
  signedId: string;
  /** The cookie was signed with an older secret: the browser gets the newest signature. */
  resign: boolean;
  /** Created by this request's sign-in: @fastify/session sets its cookie. */
  created?: boolean;
  auth: SessionAuth;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in session of this request, loaded by the session plugin; null for none. */
    loadedSession: LoadedSession | null;
  }
}

export interface SessionReaderOptions {
  kv: KeyValueStore;
  signer: Pick<Signer, "sign" | "unsign">;
  cache: SessionRecordCache;
}

/**
 * Reads the session of `/api/*` and every other cookie-carrying request without @fastify/session:
 * verify the cookie's HMAC (memoised), then the parsed record from the short-lived cache or the
 * store. @fastify/session would build a Session and a Cookie object per request and hash the whole
 * session twice (on load and in onSend) to learn it did not change; these requests never change
 * it (the touch writes to the store directly). @fastify/session still creates sessions (sign-in
 * regenerates and saves through it, see sessions.ts); both read the same record and cookie format.
 */
export function createSessionReader({ kv, signer, cache }: SessionReaderOptions) {
  const parse = (raw: string) => {
    const auth = readRecord<{ auth?: SessionAuth }>("session", raw)?.auth;
    return isSessionAuth(auth) ? auth : undefined;
  };
  /**
   * A cache hit is trusted only after one turn of the event loop: an invalidation another instance
   * published before this request arrived is then handled first, even when its pub/sub message and
   * this request were read from their sockets in the same I/O batch.
   */
  const fresh = async (id: string) => {
    if (!cache.get(id)) return undefined;
    await new Promise((resolve) => setImmediate(resolve));
    return cache.get(id);
  };
  return {
    /** The live session `cookie` names, or undefined (forged, foreign, expired, ended). */
    async load(cookie: string): Promise<LoadedSession | undefined> {
      const verified = signer.unsign(cookie);
      if (!verified.valid || typeof verified.value !== "string") return undefined;
      const id = verified.value;
      const auth = (await fresh(id)) ?? (await this.fromStore(id));
      if (!auth) return undefined;
      const resign = verified.renew === true;
      return { id, auth, resign, signedId: resign ? signer.sign(id) : cookie };
    },
    /** The record straight from the store (and into the cache). */
    async fromStore(id: string): Promise<SessionAuth | undefined> {
      const ticket = cache.ticket(id);
      const raw = await kv.get(sessionKeys.record(id));
      if (raw === undefined) return undefined;
      const auth = parse(raw);
      if (!auth) return undefined;
      // Not cached when an invalidation arrived while the store answered: it may be older.
      cache.set(id, auth, ticket);
      return auth;
    },
  };
}

export type SessionReader = ReturnType<typeof createSessionReader>;

/**
 * The fields every check and route reads; a record without them (corrupt, foreign) is no session.
 * The user and the roles and groups are checked too: routes answer them as they are, so a wrong
 * type there would be a 500 on every request of the session instead of a 401.
 */
function isSessionAuth(auth: unknown): auth is SessionAuth {
  if (typeof auth !== "object" || auth === null) return false;
  const a = auth as Partial<SessionAuth>;
  return (
    typeof a.cacheKey === "string" &&
    typeof a.expiresAt === "number" &&
    typeof a.lastSeenAt === "number" &&
    isUser(a.user) &&
    isOptionalStrings(a.roles) &&
    isOptionalStrings(a.groups)
  );
}

function isUser(user: unknown): boolean {
  if (typeof user !== "object" || user === null) return false;
  const u = user as Record<string, unknown>;
  return ["name", "username", "oid", "tid"].every((field) => typeof u[field] === "string");
}

function isOptionalStrings(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((item) => typeof item === "string"));
}
