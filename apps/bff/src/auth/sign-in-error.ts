/**
 * Every way a sign-in can fail, once: the error page, the audit log (`signin.failure`) and the
 * `bff_sign_ins_total{kind}` metric all derive from this list.
 */
export const SIGN_IN_FAILURE_KINDS = [
  "entra_error",
  "unverified_error",
  "issuer_mismatch",
  "state_invalid",
  "id_token_invalid",
  "bad_request",
  "exchange_failed",
  "idp_unavailable",
  "too_many_sign_ins",
] as const;

export type SignInFailureKind = (typeof SIGN_IN_FAILURE_KINDS)[number];

/** Why a sign-in failed, for the error page. Messages are safe to show. */
export type SignInFailure =
  | { kind: "entra_error"; error: string; description?: string; aadsts?: number }
  /** An error callback that is not this browser's pending sign-in: its text is not shown. */
  | { kind: "unverified_error" }
  /** The callback's `iss` (RFC 9207) is not the tenant's issuer. */
  | { kind: "issuer_mismatch" }
  | { kind: "state_invalid" }
  | { kind: "id_token_invalid"; reason: string }
  | { kind: "bad_request"; reason: string }
  | { kind: "exchange_failed" }
  | { kind: "idp_unavailable" }
  /** PRELOGIN_MAX sign-ins are already in progress. */
  | { kind: "too_many_sign_ins" };

// Compile-time: every variant's kind is in the list, and every kind in the list has a variant.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
true satisfies Same<SignInFailure["kind"], SignInFailureKind>;

export class SignInError extends Error {
  constructor(
    readonly failure: SignInFailure,
    /** Where "Try again" should lead back to, when known. */
    readonly returnTo = "/",
    options?: { cause?: unknown },
  ) {
    super(`sign-in failed: ${failure.kind}`, options);
    this.name = "SignInError";
  }
}
