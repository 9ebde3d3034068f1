/** What `createRedisStore` derives from the URL; exported for config validation and tests. */
export interface ParsedRedisUrl {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  tls: boolean;
  /** The URL without credentials, safe for logs and error messages. */
  redacted: string;
}

const URL_SHAPE = "redis://[[username]:password@]host[:port][/db] or rediss://…";

/**
 * Parses a Redis URL. Errors never repeat the URL, since it may hold a password.
 * @throws Error naming the expected shape when the URL is not a usable redis:// or rediss:// URL.
 */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL is not a valid URL (expected ${URL_SHAPE})`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(
      `REDIS_URL must use redis:// or rediss:// (got ${parsed.protocol}//; expected ${URL_SHAPE})`,
    );
  }
  if (!parsed.hostname) throw new Error(`REDIS_URL has no host (expected ${URL_SHAPE})`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new Error(`REDIS_URL database must be a whole number like /0 (expected ${URL_SHAPE})`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    host,
    port,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === "rediss:",
    redacted: `${parsed.protocol}//${parsed.host}${db ? `/${db}` : ""}`,
  };
}
