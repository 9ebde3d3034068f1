/** Argument checks both stores share, so a bad TTL or cap fails the same way everywhere. */

export function ttlToMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive number of milliseconds (got ${ttlMs})`);
  }
  return Math.ceil(ttlMs);
}

export function capOf(cap: number): number {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a whole number ≥ 1 (got ${cap})`);
  return cap;
}

/** Index members: short printable ASCII without spaces, so Redis keeps a bucket compact. */
export function indexMemberOf(member: string): string {
  if (!/^[!-~]{1,64}$/.test(member)) {
    throw new RangeError("index members are 1–64 printable ASCII characters without spaces");
  }
  return member;
}
