/**
 * Width of the expiry stamped in front of each stored value: a whole millisecond count in base 256,
 * one Latin-1 character per byte, so a one-byte value stays a one-byte string (6 bytes: 8,900 years).
 */
const STAMP = 6;

function stamp(expiresAt: number): string {
  let rest = Math.min(Math.ceil(expiresAt), 2 ** (8 * STAMP) - 1);
  const codes: number[] = [];
  for (let i = 0; i < STAMP; i++) {
    codes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return String.fromCharCode(...codes);
}

function expiryOf(stored: string): number {
  let expiresAt = 0;
  for (let i = 0; i < STAMP; i++) expiresAt = expiresAt * 256 + stored.charCodeAt(i);
  return expiresAt;
}

/**
 * Stamp and value as one flat string: `join` builds it in one piece, where `+` would keep a
 * two-part rope (another object and the stamp's own string) alive in the map.
 */
function stamped(expiresAt: number, value: string): string {
  return [stamp(expiresAt), value].join("");
}

/**
 * A bounded map of string values that each expire, the least recently used evicted first: what
 * the memory store keeps its keys in. Built for what an idle session costs: one Map slot per key
 * holding one string — the value with its expiry stamped in front — and nothing allocated ahead
 * for the cap (lru-cache preallocates ~45 bytes per slot of `max` and adds ~80 bytes per entry;
 * this ~30, README "Performance"). Recency is the Map's insertion order: a read or a write moves
 * the key to the end, eviction takes the front.
 */
export class ExpiringLru {
  readonly #entries = new Map<string, string>();

  /** `now`: the clock of expiries, in ms (monotonic by default). */
  constructor(
    readonly max: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Entries held, expired ones included until read or purged. */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value, now the most recently used; an expired one is dropped. */
  get(key: string): string | undefined {
    const stored = this.#live(key);
    if (stored === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, stored);
    return stored.slice(STAMP);
  }

  /** Whether `key` holds a live value (recency unchanged). */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  /** Stores `value` for `ttlMs`, as the most recently used; evicts the least recently used past `max`. */
  set(key: string, value: string, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, stamped(this.now() + ttlMs, value));
    if (this.#entries.size <= this.max) return;
    for (const oldest of this.#entries.keys()) {
      this.#entries.delete(oldest);
      if (this.#entries.size <= this.max) return;
    }
  }

  /** Gives a live key a new TTL, value unchanged: false when there is none. */
  extend(key: string, ttlMs: number): boolean {
    const stored = this.#live(key);
    if (stored === undefined) return false;
    this.set(key, stored.slice(STAMP), ttlMs);
    return true;
  }

  /** Removes `key`: true when it was held (live or not yet purged). */
  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Drops every expired entry. */
  purgeStale(): void {
    const now = this.now();
    for (const [key, stored] of this.#entries) if (expiryOf(stored) <= now) this.#entries.delete(key);
  }

  /** Live keys, least recently used first. */
  *keys(): IterableIterator<string> {
    const now = this.now();
    for (const [key, stored] of this.#entries) if (expiryOf(stored) > now) yield key;
  }

  clear(): void {
    this.#entries.clear();
  }

  #live(key: string): string | undefined {
    const stored = this.#entries.get(key);
    if (stored === undefined) return undefined;
    if (expiryOf(stored) > this.now()) return stored;
    this.#entries.delete(key);
    return undefined;
  }
}
