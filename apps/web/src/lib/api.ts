import type { ApiError, ErrorCode, SessionResponse } from "@entra-bff/contracts";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@entra-bff/contracts";

/** A non-2xx answer from the BFF, carrying its stable error `code`. */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
    /** Seconds the BFF asked us to wait (429/503), when it said. */
    readonly retryAfter?: number,
    /** For consent_required / step_up_required: where the interactive step happens. */
    readonly loginUrl?: string,
  ) {
    super(message);
  }
}

/** The request never got an answer: offline, DNS, connection reset. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(cause: unknown) {
    super("The server could not be reached.", { cause });
  }
}

function isApiError(body: unknown): body is ApiError {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as ApiError).code === "string" &&
    typeof (body as ApiError).message === "string"
  );
}

/**
 * `fetch` for the BFF: same-origin cookie, the `X-CSRF: 1` header, and a thrown
 * {@link ApiRequestError} for any non-2xx answer ({@link NetworkError} when there is no answer).
 */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      credentials: "same-origin",
      headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE, accept: "application/json", ...init.headers },
    });
  } catch (cause) {
    // fetch only rejects on network failure (or abort, which react-query handles itself).
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new NetworkError(cause);
  }
  if (!res.ok) throw await toApiRequestError(res);
  return res;
}

async function toApiRequestError(res: Response): Promise<ApiRequestError> {
  const body: unknown = await res.json().catch(() => undefined);
  if (isApiError(body)) {
    return new ApiRequestError(res.status, body.code, body.message, body.retryAfter, body.loginUrl);
  }
  // Not our JSON (a proxy's HTML error page, say): keep the status, invent nothing else.
  return new ApiRequestError(res.status, "internal_error", `The server answered ${res.status}.`);
}

/** {@link send}, then the JSON body. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await send(path, signal ? { signal } : {});
  return (await res.json()) as T;
}

/** `GET /api/session`: who is signed in, if anyone, and whether the BFF runs the emulator. */
export function fetchSession(signal?: AbortSignal): Promise<SessionResponse> {
  return getJson<SessionResponse>("/api/session", signal);
}
