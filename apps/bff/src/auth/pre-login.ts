import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { KeyValueStore } from "../session/kv-store.js";
import { readRecord, writeRecord } from "../session/record-format.js";

/** Pre-login records live in a capped namespace of their own (keys `login:…`), apart from sessions. */
export const LOGIN_NAMESPACE = "login";
/** How long a started sign-in may take. */
export const LOGIN_TTL_MS = 10 * 60_000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** What a started sign-in needs again at its callback. */
export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** Incremental consent: the declared API's scopes the code is redeemed for (not Graph's). */
  apiScopes?: string[];
}

/** The server-side record of a started sign-in, keyed by its `state`, single use. */
interface PreLoginRecord extends PendingSignIn {
  /** SHA-256 of the browser-binding cookie value: the callback must come from the same browser. */
  bindingHash: string;
  createdAt: number;
}

/**
 * Pre-login records: written by anonymous visitors, so they get a budget of their own
 * (`PRELOGIN_MAX`) that refuses when full instead of evicting anything, and all expire.
 */
export class PreLoginRecords {
  #lastCapWarning = 0;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly max: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Stores a sign-in under `state`, bound to the browser; false when PRELOGIN_MAX are pending. */
  async save(state: string, binding: string, pending: PendingSignIn): Promise<boolean> {
    const record: PreLoginRecord = { ...pending, bindingHash: sha256(binding), createdAt: Date.now() };
    if (
      await this.kv.addCapped(
        LOGIN_NAMESPACE,
        state,
        writeRecord("pre-login", record),
        LOGIN_TTL_MS,
        this.max,
      )
    ) {
      return true;
    }
    this.#warnCapReached();
    return false;
  }

  /** Takes the sign-in of `state` if this browser started it; another browser's stays pending. */
  async take(state: string | undefined, binding: string | undefined): Promise<PendingSignIn | undefined> {
    if (!state || !STATE_FORMAT.test(state) || !binding) return undefined;
    // Checked before it is taken: a callback from another browser leaves the sign-in pending.
    const raw = await this.kv.getCapped(LOGIN_NAMESPACE, state);
    const record = readRecord<PreLoginRecord>("pre-login", raw);
    if (!record) return undefined;
    if (Date.now() - record.createdAt > LOGIN_TTL_MS) return undefined;
    if (!safeEqual(sha256(binding), record.bindingHash)) return undefined;
    // Single use: of two callbacks racing with the same state, only one takes it.
    return (await this.kv.takeCapped(LOGIN_NAMESPACE, state)) === raw ? record : undefined;
  }

  /** Once a minute at most: under a flood every refused /login would otherwise log a line. */
  #warnCapReached(): void {
    if (Date.now() - this.#lastCapWarning < 60_000) return;
    this.#lastCapWarning = Date.now();
    this.log.warn(
      { event: "signin.capacity", preLoginMax: this.max },
      "PRELOGIN_MAX sign-ins in progress: refusing new sign-ins until some complete or expire",
    );
  }
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
