import type { ErrorCode } from "@entra-bff/contracts";

/** An error the BFF answers on purpose: a stable `code`, an HTTP status and a safe message. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown; retryAfter?: number; loginUrl?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.retryAfter = options?.retryAfter;
    this.loginUrl = options?.loginUrl;
  }
  readonly retryAfter: number | undefined;
  /** Where the SPA sends the user to perform an interactive step (consent, step-up). */
  readonly loginUrl: string | undefined;
}

/** The session's refresh token is dead: the session has been ended, the user must sign in again. */
export class ReauthRequiredError extends AppError {
  constructor(message: string, options?: { cause?: unknown; claims?: string; aadsts?: number }) {
    super("reauth_required", 401, message, options);
    this.name = "ReauthRequiredError";
    this.claims = options?.claims;
    this.aadsts = options?.aadsts;
  }
  /** Entra's claims challenge, to be passed to the next authorize request. */
  readonly claims: string | undefined;
  /** The AADSTS code Entra gave for rejecting the refresh token, for the audit log. */
  readonly aadsts: number | undefined;
}

/** The session ended (signed out, possibly on another instance) while this request ran. */
export class SessionEndedError extends AppError {
  constructor() {
    super("unauthenticated", 401, "Your session has ended; sign in again.");
    this.name = "SessionEndedError";
  }
}

/**
 * An API needs the user's interaction (consent to a scope, or a claims challenge), but the session
 * is fine: it is kept, and `loginUrl` performs the step. `scopes`/`claims` are what that step asks for.
 */
export class InteractionNeededError extends AppError {
  constructor(
    readonly kind: "consent_required" | "step_up_required",
    readonly scopes: readonly string[],
    readonly claims: string | undefined,
    options?: { cause?: unknown; loginUrl?: string },
  ) {
    super(
      kind,
      401,
      kind === "consent_required"
        ? "This page needs your permission to use an API."
        : "This page needs you to verify your identity again.",
      options,
    );
    this.name = "InteractionNeededError";
  }
}

/** A route that needs a session (`config.session: "required"`) was called without one. */
export class SignInRequiredError extends AppError {
  constructor() {
    super("unauthenticated", 401, "Sign in first.");
    this.name = "SignInRequiredError";
  }
}

/** A CSRF-guarded route (`config.csrf`) was called without the proof (auth/csrf.ts). */
export class CsrfRejectedError extends AppError {
  constructor() {
    super("csrf_rejected", 403, "Missing or invalid X-CSRF header.");
    this.name = "CsrfRejectedError";
  }
}

/**
 * An upstream API refused the user's access token (its 401). `withUserToken` refreshes once and
 * retries; a refusal of the fresh token reaches the client as 502: the upstream's verdict alone
 * never ends the session.
 */
export class UpstreamUnauthorizedError extends AppError {
  constructor(upstream: string) {
    super("upstream_error", 502, `${upstream} refused the access token.`);
    this.name = "UpstreamUnauthorizedError";
  }
}
