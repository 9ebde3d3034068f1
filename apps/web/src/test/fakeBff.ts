import type {
  ApiError,
  ErrorCode,
  LogoutResponse,
  Profile,
  SessionList,
  SessionResponse,
  SessionsEnded,
} from "@entra-bff/contracts";
import { vi } from "vitest";

/** One answer of the fake BFF: a success body, an API error, or no answer at all. */
export type Answer<T> =
  | { ok: T }
  | { status: number; error: ApiError }
  | { networkError: true }
  | { never: true };

/** A fixed answer, or a sequence of answers (the last one repeats). */
export type Responder<T> = Answer<T> | Answer<T>[];

/** The BFF's routes the SPA calls, typed by the contracts. */
export interface FakeRoutes {
  "GET /api/session"?: Responder<SessionResponse>;
  "GET /api/me"?: Responder<Profile>;
  "GET /api/me/photo"?: Responder<Blob>;
  "POST /logout"?: Responder<LogoutResponse>;
  "GET /api/session/state"?: Responder<{
    authenticated: boolean;
    idleExpiresAt?: string;
    idleTimeoutMs?: number;
  }>;
  "POST /api/session/touch"?: Responder<{
    authenticated: boolean;
    idleExpiresAt?: string;
    idleTimeoutMs?: number;
  }>;
  "GET /api/sessions"?: Responder<SessionList>;
  "DELETE /api/sessions"?: Responder<SessionsEnded | LogoutResponse>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
}

export const ok = <T>(body: T): Answer<T> => ({ ok: body });

/** An error answer in the BFF's JSON shape. */
export function fail(status: number, code: ErrorCode, retryAfter?: number): Answer<never> {
  const error: ApiError = { code, message: `fake ${code}` };
  if (retryAfter !== undefined) error.retryAfter = retryAfter;
  return { status, error };
}

export const networkDown: Answer<never> = { networkError: true };
/** A request that never gets an answer (to see loading states). */
export const hang: Answer<never> = { never: true };

function toResponse(answer: Answer<unknown>): Promise<Response> {
  if ("never" in answer) return new Promise(() => {});
  if ("networkError" in answer) return Promise.reject(new TypeError("Failed to fetch"));
  if ("error" in answer) {
    return Promise.resolve(
      new Response(JSON.stringify(answer.error), {
        status: answer.status,
        headers: { "content-type": "application/json" },
      }),
    );
  }
  if (answer.ok instanceof Blob) {
    return Promise.resolve(new Response(answer.ok, { headers: { "content-type": answer.ok.type } }));
  }
  return Promise.resolve(
    new Response(JSON.stringify(answer.ok), { headers: { "content-type": "application/json" } }),
  );
}

/**
 * Replaces `fetch` with a routing table of the BFF's answers and records every request.
 * Unknown routes answer 404 `not_found`, as the BFF does.
 */
export function fakeBff(routes: FakeRoutes) {
  const requests: RecordedRequest[] = [];
  const counts = new Map<string, number>();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    const path = new URL(String(input), "http://localhost").pathname;
    requests.push({ method, path, headers: new Headers(init.headers), credentials: init.credentials });
    const key = `${method} ${path}` as keyof FakeRoutes;
    const responder = routes[key] as Responder<unknown> | undefined;
    if (!responder) return toResponse(fail(404, "not_found"));
    const count = counts.get(key) ?? 0;
    counts.set(key, count + 1);
    const answer = Array.isArray(responder) ? responder[Math.min(count, responder.length - 1)] : responder;
    return toResponse(answer ?? fail(500, "internal_error"));
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    requests,
    /** Requests made to `METHOD /path`. */
    calls: (route: keyof FakeRoutes) => requests.filter((r) => `${r.method} ${r.path}` === route),
  };
}
