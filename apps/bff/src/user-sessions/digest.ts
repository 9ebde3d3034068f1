import { createHash } from "node:crypto";

/**
 * A short one-way name (128 bits, base64url) for a session id, a user or an IdP `sid`: what the
 * API shows as a session's handle and what index keys are named by. It cannot be turned back into
 * the id, so a handle never works as a cookie, and index keys never reveal a user or a sid.
 */
export function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** Index keys; each carries its own hash tag, so every command on one touches one slot. */
export const indexKeys = {
  /** A user's live sessions: session id → [createdAt, browser, os, digest(sid)]. */
  user: (tid: string, oid: string) => `usess:{${digest(`${tid}.${oid}`)}}`,
  /** The user (digest) an IdP sign-in session belongs to. */
  sid: (sid: string) => `usid:{${digest(sid)}}`,
  /** The user (digest) an IdP subject is. */
  sub: (sub: string) => `usub:{${digest(sub)}}`,
  userPrefix: "usess:",
};

/** The user index named by the user digest a `usid:`/`usub:` lookup holds. */
export function userIndexOf(userDigest: string): string {
  return `usess:{${userDigest}}`;
}

export function userDigest(tid: string, oid: string): string {
  return digest(`${tid}.${oid}`);
}
