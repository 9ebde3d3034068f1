/**
 * Polls `check` until it returns true, for things that happen by themselves (TTL expiry,
 * reconnection). Throws `message` if it has not happened before `timeoutMs`.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet: keep polling until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
