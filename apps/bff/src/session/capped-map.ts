interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A map with a hard cap and a TTL per entry that refuses new entries when full instead of
 * evicting old ones: what anonymous traffic writes (pre-login records) lives here, so it can
 * neither grow memory without bound nor push anything else out.
 */
export class CappedMap {
  readonly #entries = new Map<string, Entry>();

  get size(): number {
    return this.#entries.size;
  }

  /** Adds `key` unless `cap` live entries are already held: true when added. */
  add(key: string, value: string, ttlMs: number, cap: number, now = Date.now()): boolean {
    this.#dropExpiredFront(now);
    if (this.#entries.size >= cap) this.purge(now); // entries with other TTLs may have expired too
    if (this.#entries.size >= cap && !this.#entries.has(key)) return false;
    // Re-inserted at the end, so the map stays in expiry order for equal TTLs.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + ttlMs });
    return true;
  }

  /** The live value, left in place. */
  get(key: string, now = Date.now()): string | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.expiresAt > now ? entry.value : undefined;
  }

  /** Returns the live value once and removes it. */
  take(key: string, now = Date.now()): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    return entry.expiresAt > now ? entry.value : undefined;
  }

  /** Live keys, expired ones dropped. */
  keys(now = Date.now()): string[] {
    this.purge(now);
    return [...this.#entries.keys()];
  }

  /** Drops every expired entry. */
  purge(now = Date.now()): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * Entries sit in insertion order, which is expiry order when TTLs are equal (one namespace, one
   * TTL): dropping expired entries from the front costs O(expired). Others wait for `purge`.
   */
  #dropExpiredFront(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
