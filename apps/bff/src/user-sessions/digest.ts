import { createHash } from "node:crypto";

/**
 * A short one-way name (128 bits, base64url) for a session id, a user or an IdP `sid`: what the
 * API shows as a session's handle, and what the index's tags are cut from. It cannot be turned
 * back into the id, so a handle never works as a cookie, and the index never reveals a user or a sid.
 */
export function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}
