export const TOUCH_INTERVAL_MS = 60_000;

/**
 * How often a session's lastSeenAt moves: once a minute, or a tenth of the idle timeout when that
 * is shorter (lastSeenAt lags real activity by up to one interval, so SESSION_IDLE_MINUTES=1 would
 * otherwise end active sessions).
 */
export function touchIntervalFor(idleMs: number): number {
  return Math.min(TOUCH_INTERVAL_MS, Math.floor(idleMs / 10));
}
