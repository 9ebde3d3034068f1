import { type Static, Type } from "typebox";

/** Stable error codes of the BFF's JSON API. The SPA branches on these, never on messages. */
export const ErrorCode = {
  /** No session cookie, or the session expired / was signed out. */
  Unauthenticated: "unauthenticated",
  /** The session exists but its refresh token is dead (revoked, expired, consent or MFA needed). */
  ReauthRequired: "reauth_required",
  /** A request without the `X-CSRF: 1` header, or a cross-site state-changing request. */
  CsrfRejected: "csrf_rejected",
  /** The user has not consented to a scope an API needs: `loginUrl` asks for it (incremental consent). */
  ConsentRequired: "consent_required",
  /** The API or Entra asks for stronger authentication (claims challenge): `loginUrl` performs it. */
  StepUpRequired: "step_up_required",
  /** Signed in, but not allowed to do this: a route's required app role or group is missing, or an API's 403. */
  Forbidden: "forbidden",
  /** A path that could leave the declared API's base path (dot segments, encoded slashes, backslashes). */
  InvalidPath: "invalid_path",
  /** The declared API does not allow this HTTP method. */
  MethodNotAllowed: "method_not_allowed",
  /** The request body is larger than the declared API accepts. */
  PayloadTooLarge: "payload_too_large",
  /** Too many requests from this client (BFF rate limit) or from Graph (429). */
  RateLimited: "rate_limited",
  /** Microsoft Graph answered an error we cannot fix here. */
  UpstreamError: "upstream_error",
  /** Microsoft Graph is unavailable (503) or did not answer in time. */
  UpstreamUnavailable: "upstream_unavailable",
  UpstreamTimeout: "upstream_timeout",
  /** The user has no profile photo. */
  NotFound: "not_found",
  /** The session store (Redis) cannot be reached: the BFF fails closed. */
  SessionStoreUnavailable: "session_store_unavailable",
  BadRequest: "bad_request",
  /** A back-channel logout token that fails validation (OIDC Back-Channel Logout §2.8). */
  InvalidRequest: "invalid_request",
  InternalError: "internal_error",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ApiErrorSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    /** Seconds to wait before retrying, for 429/503. */
    retryAfter: Type.Optional(Type.Integer({ minimum: 0 })),
    /** For consent_required / step_up_required: the same-origin URL that performs the interactive step. */
    loginUrl: Type.Optional(Type.String()),
  },
  { $id: "ApiError", additionalProperties: false },
);
export type ApiError = Static<typeof ApiErrorSchema> & { code: ErrorCode };
