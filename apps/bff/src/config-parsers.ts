import { ConfigError } from "./config-problems.js";

// Parsers of single settings: each throws a ConfigError naming the variable and the fix.

export function parseUrl(variable: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(variable, `"${value}" is not a URL`);
  }
}

export function parsePublicUrl(value: string): URL {
  const url = parseUrl("PUBLIC_URL", value);
  if (url.search || url.hash) throw new ConfigError("PUBLIC_URL", "must not have a query or fragment");
  return url;
}

export function parseServiceUrl(variable: string, value: string, allowHttp: boolean): string {
  const url = parseUrl(variable, value);
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
    throw new ConfigError(variable, `must be an https URL (got ${url.protocol}//${url.host})`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export function parsePort(variable: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(variable, `must be a port number from 0 to 65535 (got "${value}")`);
  }
  return port;
}

export function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (value === undefined || value === "false") return false;
  // Trusting every address lets any client forge X-Forwarded-For and X-Forwarded-Proto.
  if (value === "true") {
    throw new ConfigError(
      "TRUST_PROXY",
      '"true" trusts every address, so any client could forge X-Forwarded-For (rate limits, logs) and ' +
        "X-Forwarded-Proto: set the hop count of the proxies in front of the BFF (TRUST_PROXY=1 for one) " +
        "or their IPs/CIDRs",
    );
  }
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value.split(",").map((part) => part.trim());
}
