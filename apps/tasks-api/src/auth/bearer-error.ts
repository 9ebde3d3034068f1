/**
 * A refused access token, answered per RFC 6750 §3: 401 with `WWW-Authenticate: Bearer …` and a
 * JSON body `{code, message}` with the same code. Descriptions are fixed ASCII strings (never
 * taken from the token), so they are always valid quoted-strings and leak nothing.
 */
export type BearerErrorCode =
  | "unauthenticated"
  | "invalid_token"
  | "insufficient_scope"
  | "insufficient_claims";

export const REALM = "tasks-api";

export class BearerError extends Error {
  readonly statusCode: 401 | 403;

  constructor(
    readonly code: BearerErrorCode,
    message: string,
    readonly challengeParams: Record<string, string> = {},
  ) {
    super(message);
    this.name = "BearerError";
    this.statusCode = code === "insufficient_scope" ? 403 : 401;
  }

  /** The `WWW-Authenticate` value. A request without any token gets no error code (RFC 6750 §3.1). */
  get challenge(): string {
    const params: Record<string, string> = { realm: REALM };
    if (this.code !== "unauthenticated") {
      params.error = this.code;
      params.error_description = this.message;
    }
    Object.assign(params, this.challengeParams);
    const list = Object.entries(params).map(([name, value]) => `${name}="${value.replace(/["\\]/g, "")}"`);
    return `Bearer ${list.join(", ")}`;
  }
}

/** The claims request Entra's clients pass back to /authorize (Conditional Access auth context). */
export function acrsClaimsChallenge(acrs: string): string {
  const claims = { access_token: { acrs: { essential: true, value: acrs } } };
  return Buffer.from(JSON.stringify(claims)).toString("base64");
}
