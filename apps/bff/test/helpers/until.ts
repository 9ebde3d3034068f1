/**
 * Polls `check` until it returns a truthy value, for things that happen by themselves (TTL
 * expiry, reconnection, a span arriving); resolves with that value. A check that throws counts as
 * "not yet". Throws naming `message` if nothing came before `timeoutMs`.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  message: string,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // Not yet: keep polling until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
