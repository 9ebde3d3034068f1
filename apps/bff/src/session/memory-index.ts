/**
 * The expiring sets behind `indexPut`/`indexList`/`indexRemove` in the memory store. Each set is
 * one packed string of `member expiry36\n` lines rather than a Map: a JS Map costs ~50 bytes a
 * member before its key string, which would alone spend half of the session index's 200-byte
 * budget. Sets are meant to be small buckets, so every operation rewrites one short string.
 */
export class MemoryIndexes {
  private readonly indexes = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  put(index: string, member: string, ttlMs: number, extendOnly: boolean): void {
    const entries = this.live(index);
    const expiry = this.now() + ttlMs;
    const found = entries.findIndex(([name]) => name === member);
    if (found === -1) entries.push([member, expiry]);
    else if (!extendOnly || expiry > (entries[found] as Entry)[1]) entries[found] = [member, expiry];
    this.store(index, entries);
  }

  list(index: string, prefix: string): string[] {
    return this.live(index)
      .map(([member]) => member)
      .filter((member) => member.startsWith(prefix));
  }

  remove(index: string, prefixes: string[]): void {
    const kept = this.live(index).filter(([member]) => !prefixes.some((p) => member.startsWith(p)));
    this.store(index, kept);
  }

  /** Live index names with this prefix. */
  keys(prefix: string): string[] {
    this.purge();
    return [...this.indexes.keys()].filter((name) => name.startsWith(prefix));
  }

  /** Drops expired members, and indexes left empty; an index with none expired stays as it is. */
  purge(): void {
    for (const [name, packed] of [...this.indexes]) {
      const entries = this.live(name);
      if (entries.length !== packed.split("\n").length) this.store(name, entries);
    }
  }

  clear(): void {
    this.indexes.clear();
  }

  private live(index: string): Entry[] {
    const packed = this.indexes.get(index);
    if (!packed) return [];
    const now = this.now();
    const entries: Entry[] = [];
    for (const line of packed.split("\n")) {
      const space = line.indexOf(" ");
      if (space === -1) continue;
      const expiry = Number.parseInt(line.slice(space + 1), 36);
      if (expiry > now) entries.push([line.slice(0, space), expiry]);
    }
    return entries;
  }

  private store(index: string, entries: Entry[]): void {
    if (entries.length === 0) {
      this.indexes.delete(index);
      return;
    }
    // join() builds one flat string, so no slice of an older version stays reachable.
    this.indexes.set(index, entries.map(([member, expiry]) => `${member} ${expiry.toString(36)}`).join("\n"));
  }
}

type Entry = [member: string, expiresAt: number];
