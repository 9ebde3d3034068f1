import type { LogoutResponse, SessionList, SessionsEnded } from "@entra-bff/contracts";
import { getJson, send } from "../lib/api.js";

/** `GET /api/sessions`: this user's live sessions, the current one flagged. */
export function fetchSessions(signal?: AbortSignal): Promise<SessionList> {
  return getJson<SessionList>("/api/sessions", signal);
}

/** `DELETE /api/sessions/{handle}`: `{ended}`, or `{logoutUrl}` when it was this browser's. */
export async function endSession(handle: string): Promise<SessionsEnded | LogoutResponse> {
  const res = await send(`/api/sessions/${encodeURIComponent(handle)}`, { method: "DELETE" });
  return (await res.json()) as SessionsEnded | LogoutResponse;
}

/** `DELETE /api/sessions?others=true`: signs out every other browser, keeps this one. */
export async function endOtherSessions(): Promise<SessionsEnded> {
  const res = await send("/api/sessions?others=true", { method: "DELETE" });
  return (await res.json()) as SessionsEnded;
}
