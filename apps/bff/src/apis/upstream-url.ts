import { AppError } from "../errors.js";

/**
 * The upstream URL of a request to a declared API, or a 400 invalid_path. Works on the raw
 * request target (never on a decoded or normalised path): the part after the prefix is appended to
 * the upstream base byte for byte, so what the BFF checks is exactly what the upstream receives.
 * Refused, never normalised into another path: dot segments (`..`, `.`, `%2e%2E`…), encoded
 * slashes and backslashes (`%2f`, `%5c`, `\`), and malformed percent-encoding.
 * Returns undefined when the target is not under the prefix on a segment boundary.
 */
export function upstreamUrl(rawTarget: string, prefix: string, upstream: string): string | undefined {
  const queryAt = rawTarget.indexOf("?");
  const path = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
  const query = queryAt < 0 ? "" : rawTarget.slice(queryAt);
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest !== "" && !rest.startsWith("/")) return undefined;
  if (!isSafeRest(rest) || !isSafeQuery(query)) {
    throw new AppError("invalid_path", 400, "This path is not allowed.");
  }
  return `${upstream}${rest}${query}`;
}

/** Only printable ASCII other than `\` may pass: no control characters (CRLF), spaces or `#`. */
const SAFE_CHARS = /^[\x21-\x7e]*$/;

function isSafeRest(rest: string): boolean {
  if (!SAFE_CHARS.test(rest) || rest.includes("\\") || rest.includes("#")) return false;
  for (const segment of rest.split("/").slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (decoded === "." || decoded === "..") return false;
    if (decoded.includes("/") || decoded.includes("\\")) return false;
    // Decoded control characters (%0d%0a, %00) have no business in a path segment.
    if (hasControlCharacter(decoded)) return false;
  }
  return true;
}

function isSafeQuery(query: string): boolean {
  return SAFE_CHARS.test(query) && !query.includes("#");
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
