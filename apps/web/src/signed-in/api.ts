import type { LogoutResponse, Profile } from "@entra-bff/contracts";
import { ApiRequestError, getJson, send } from "../lib/api.js";

/** `GET /api/me`: the signed-in user's Graph profile. Throws {@link ApiRequestError} on errors. */
export function fetchProfile(signal?: AbortSignal): Promise<Profile> {
  return getJson<Profile>("/api/me", signal);
}

/** `GET /api/me/photo`: the photo bytes, or `null` when the user has none (404). */
export async function fetchPhoto(signal?: AbortSignal): Promise<Blob | null> {
  try {
    const res = await send("/api/me/photo", { signal, headers: { accept: "image/*" } });
    return await res.blob();
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

/** `POST /logout`: ends the server session and returns Entra's end-session URL to navigate to. */
export async function postLogout(): Promise<LogoutResponse> {
  const res = await send("/logout", { method: "POST" });
  return (await res.json()) as LogoutResponse;
}
