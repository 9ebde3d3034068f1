/**
 * The expiring sets behind `indexPut`/`indexList` in the memory store: one map per index, one
 * string per member holding `expiresAt|value`, so an entry costs one map slot and one string.
 */
export class MemoryIndexes {
  private readonly indexes = new Map<string, Map<string, string>>();

  constructor(private readonly now: () => number = Date.now) {}

  put(index: string, member: string, value: string, ttlMs: number): void {
    const members = this.indexes.get(index) ?? new Map<string, string>();
    this.indexes.set(index, members);
    members.set(member, `${this.now() + ttlMs}|${value}`);
  }

  list(index: string): Array<{ member: string; value: string }> {
    const members = this.live(index);
    if (!members) return [];
    return [...members].map(([member, entry]) => ({ member, value: entry.slice(entry.indexOf("|") + 1) }));
  }

  remove(index: string, members: string[]): void {
    const map = this.indexes.get(index);
    if (!map) return;
    for (const member of members) map.delete(member);
    if (map.size === 0) this.indexes.delete(index);
  }

  /** Live index names with this prefix. */
  keys(prefix: string): string[] {
    this.purge();
    return [...this.indexes.keys()].filter((name) => name.startsWith(prefix));
  }

  /** Drops expired members, and indexes left empty. */
  purge(): void {
    for (const name of [...this.indexes.keys()]) this.live(name);
  }

  clear(): void {
    this.indexes.clear();
  }

  private live(index: string): Map<string, string> | undefined {
    const members = this.indexes.get(index);
    if (!members) return undefined;
    const now = this.now();
    for (const [member, entry] of members) {
      if (Number(entry.slice(0, entry.indexOf("|"))) <= now) members.delete(member);
    }
    if (members.size > 0) return members;
    this.indexes.delete(index);
    return undefined;
  }
}
