/**
 * Accepts only a same-origin relative path for the post-sign-in redirect; anything else is "/".
 * Rejects protocol-relative (`//host`), backslash (`/\host`), schemes, control characters, and the
 * same tricks percent-encoded (`/%2f`, `%5c`, `%09`), as Microsoft.Identity.Web does.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return "/";
  if (!isSafePath(value)) return "/";
  // Decode repeatedly (double encoding) and require every layer to be safe too.
  let decoded = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return "/";
    }
    if (next === decoded) break;
    if (!isSafePath(next)) return "/";
    decoded = next;
  }
  return encodeUnsafe(value);
}

/** Everything a URI may hold as is (RFC 3986), `%` included: existing escapes stay as they are. */
const UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%[\]]/gu;

/**
 * Percent-encodes the rest (non-ASCII, spaces, quotes, `<>`) so the path is a valid Location
 * header; a lone surrogate cannot be encoded and gives "/".
 */
function encodeUnsafe(path: string): string {
  try {
    return path.replace(UNSAFE, (c) => encodeURIComponent(c));
  } catch {
    return "/";
  }
}

function isSafePath(path: string): boolean {
  if (!path.startsWith("/")) return false;
  if (path.startsWith("//")) return false;
  if (path.includes("\\")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return false;
  // Same-origin check by the URL parser itself, against a placeholder origin.
  const base = "http://bff.invalid";
  try {
    const url = new URL(path, base);
    // `/.//evil.com` stays same-origin but normalises to the path `//evil.com`, which a SPA that
    // navigates to its own path would read as protocol-relative.
    return url.origin === base && !url.pathname.startsWith("//");
  } catch {
    return false;
  }
}
