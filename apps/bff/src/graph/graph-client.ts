import { createHash } from "node:crypto";
import { PROFILE_FIELDS, type Profile } from "@entra-bff/contracts";
import { LRUCache } from "lru-cache";
import { Pool, errors as undiciErrors } from "undici";
import { AppError, UpstreamUnauthorizedError } from "../errors.js";

/** Graph refused the access token (401): the caller may refresh once and retry. */
export class GraphUnauthorizedError extends UpstreamUnauthorizedError {
  constructor() {
    super("Microsoft Graph");
    this.name = "GraphUnauthorizedError";
  }
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com (a path prefix is allowed for emulators). */
  baseUrl: string;
  /** Time allowed for the response headers, and again for the body. */
  timeoutMs: number;
  connections?: number;
}

export interface Photo {
  contentType: string;
  body: Buffer;
}

interface GraphResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
const ME_PATH = `/v1.0/me?$select=${PROFILE_FIELDS.join(",")}`;
const PHOTO_PATH = "/v1.0/me/photo/$value";

/**
 * A Microsoft Graph client for exactly two fixed GET paths, over a keep-alive pool: timeouts, one
 * retry on 5xx/timeouts, and errors mapped to the BFF's codes (429 with Retry-After, 503, 504,
 * 502). Upstream bodies never pass through: /me is rebuilt field by field, photos must be image/*.
 * @see https://learn.microsoft.com/graph/api/user-get
 */
export class GraphClient {
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  /** Until when Graph asked us (429 Retry-After) to leave each access token's user alone. */
  readonly #throttled = new LRUCache<string, number>({ max: 10_000, ttlAutopurge: false });

  constructor(options: GraphClientOptions) {
    const url = new URL(options.baseUrl);
    this.#prefix = url.pathname.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 128,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** `GET /v1.0/me` with $select, reduced to the Profile fields. */
  async getMe(accessToken: string): Promise<Profile> {
    const res = await this.#get(ME_PATH, accessToken, "application/json", MAX_JSON_BYTES);
    if (res.status !== 200) throw mapStatus(res);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(res.body.toString("utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new AppError("upstream_error", 502, "Microsoft Graph sent an unreadable profile.", {
        cause: error,
      });
    }
    return toProfile(raw);
  }

  /** The photo bytes, or undefined when the user has none (Graph 404). */
  async getPhoto(accessToken: string): Promise<Photo | undefined> {
    const res = await this.#get(PHOTO_PATH, accessToken, "image/*", MAX_PHOTO_BYTES);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw mapStatus(res);
    const contentType =
      String(res.headers["content-type"] ?? "")
        .split(";")[0]
        ?.trim() ?? "";
    if (!/^image\/[a-z0-9.+-]+$/i.test(contentType)) {
      throw new AppError("upstream_error", 502, "Microsoft Graph sent a photo that is not an image.");
    }
    return { contentType, body: res.body };
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #get(path: string, accessToken: string, accept: string, maxBytes: number): Promise<GraphResponse> {
    // Honour Retry-After: while Graph throttles this user, answer 429 without asking again.
    // Hashing a 1–2 KB token costs more than the rest of this check: only while anything is throttled.
    const throttleKey = () => createHash("sha256").update(accessToken).digest("base64url");
    const until = this.#throttled.size > 0 ? this.#throttled.get(throttleKey()) : undefined;
    if (until !== undefined && until > Date.now()) {
      throw new AppError("rate_limited", 429, "Microsoft Graph is throttling requests; try again later.", {
        retryAfter: Math.max(1, Math.ceil((until - Date.now()) / 1000)),
      });
    }
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= 1;
      try {
        const res = await this.#pool.request({
          path: this.#prefix + path,
          method: "GET",
          headers: { authorization: `Bearer ${accessToken}`, accept },
          headersTimeout: this.#timeoutMs,
          bodyTimeout: this.#timeoutMs,
        });
        if (res.statusCode === 429) {
          // Capped, so a hostile Retry-After cannot lock a user out for days.
          const seconds = Math.min(parseRetryAfter(res.headers["retry-after"]) ?? 1, 300);
          this.#throttled.set(throttleKey(), Date.now() + seconds * 1000, { ttl: seconds * 1000 + 1 });
        }
        if (res.statusCode >= 500 && !last) {
          await res.body.dump();
          continue;
        }
        const declared = Number(res.headers["content-length"] ?? 0);
        if (declared > maxBytes) {
          await res.body.dump();
          throw new AppError("upstream_error", 502, "Microsoft Graph sent too large a response.");
        }
        const body = Buffer.from(await res.body.arrayBuffer());
        if (body.length > maxBytes)
          throw new AppError("upstream_error", 502, "Microsoft Graph sent too large a response.");
        return { status: res.statusCode, headers: res.headers, body };
      } catch (error) {
        if (error instanceof AppError) throw error;
        const timeout = isTimeout(error);
        if (!last) continue;
        if (timeout) {
          throw new AppError("upstream_timeout", 504, "Microsoft Graph did not answer in time.", {
            cause: error,
          });
        }
        throw new AppError("upstream_unavailable", 503, "Microsoft Graph cannot be reached.", {
          cause: error,
        });
      }
    }
  }
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}

/** Maps a non-success Graph status to the BFF's error codes. */
function mapStatus(res: GraphResponse): AppError {
  switch (res.status) {
    case 401:
      return new GraphUnauthorizedError();
    case 429: {
      const retryAfter = parseRetryAfter(res.headers["retry-after"]);
      return new AppError("rate_limited", 429, "Microsoft Graph is throttling requests; try again later.", {
        retryAfter: retryAfter ?? 1,
      });
    }
    case 503: {
      const retryAfter = parseRetryAfter(res.headers["retry-after"]);
      return new AppError("upstream_unavailable", 503, "Microsoft Graph is unavailable right now.", {
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
    }
    case 504:
      return new AppError("upstream_timeout", 504, "Microsoft Graph did not answer in time.");
    default:
      return new AppError("upstream_error", 502, `Microsoft Graph answered ${res.status}.`);
  }
}

/** Retry-After in seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function toProfile(raw: Record<string, unknown>): Profile {
  const text = (field: string): string | null => {
    const value = raw[field];
    return typeof value === "string" ? value : null;
  };
  if (typeof raw.id !== "string")
    throw new AppError("upstream_error", 502, "Microsoft Graph sent no user id.");
  const phones = Array.isArray(raw.businessPhones) ? raw.businessPhones : [];
  return {
    id: raw.id,
    displayName: text("displayName"),
    givenName: text("givenName"),
    surname: text("surname"),
    jobTitle: text("jobTitle"),
    mail: text("mail"),
    userPrincipalName: text("userPrincipalName"),
    mobilePhone: text("mobilePhone"),
    businessPhones: phones.filter((p): p is string => typeof p === "string"),
    officeLocation: text("officeLocation"),
    preferredLanguage: text("preferredLanguage"),
  };
}
