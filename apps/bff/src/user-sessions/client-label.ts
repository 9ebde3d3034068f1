import Bowser from "bowser";

/** Browser and OS names, never the raw User-Agent (it identifies too much and says too little). */
export interface ClientLabel {
  browser: string;
  os: string;
}

const MAX = 40;

/**
 * The coarse client a session was signed in from, parsed with bowser (maintained, MIT). Only
 * names, no versions; anything unrecognised is "Unknown".
 * @see https://github.com/bowser-js/bowser
 */
export function clientLabel(userAgent: string | undefined): ClientLabel {
  if (!userAgent) return { browser: "Unknown", os: "Unknown" };
  try {
    const parsed = Bowser.parse(userAgent.slice(0, 1024));
    return { browser: clean(parsed.browser.name), os: clean(parsed.os.name) };
  } catch {
    return { browser: "Unknown", os: "Unknown" };
  }
}

function clean(name: string | undefined): string {
  const text = (name ?? "")
    .replace(/[^\p{L}\p{N} ._-]/gu, "")
    .trim()
    .slice(0, MAX);
  return text || "Unknown";
}
