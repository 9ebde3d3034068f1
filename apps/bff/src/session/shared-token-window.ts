import { touchIntervalFor } from "./touch-interval.js";

/** How many touch intervals a session's access token outlives its last activity. */
export const SHARED_TOKEN_TOUCHES = 5;

/**
 * How long a session's access token — shared under `at:`, and its in-process copy — outlives the
 * session's last touch: five touch intervals (`touchIntervalFor`: a minute, or a tenth of a short
 * idle timeout), so 5 minutes by default. Every touch extends it, so a session in
 * use keeps its token; a session idle for longer keeps only its record and refresh token (half the
 * memory), and its next API call redeems the refresh token once.
 */
export function sharedTokenIdleMs(idleMs: number): number {
  return SHARED_TOKEN_TOUCHES * touchIntervalFor(idleMs);
}
