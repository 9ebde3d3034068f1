import { describe, expect, it } from "vitest";
import { ApiRequestError, NetworkError } from "./api.js";
import { shouldRetry } from "./queries.js";

const apiError = (status: number, code: string) => new ApiRequestError(status, code, "x");

describe("shouldRetry", () => {
  it.each([
    ["401 unauthenticated", apiError(401, "unauthenticated")],
    ["401 reauth_required", apiError(401, "reauth_required")],
    ["403 csrf_rejected", apiError(403, "csrf_rejected")],
    ["404 not_found", apiError(404, "not_found")],
    ["429 rate_limited", apiError(429, "rate_limited")],
  ])("never retries %s", (_name, error) => {
    expect(shouldRetry(0, error)).toBe(false);
  });

  it.each([
    ["502 upstream_error", apiError(502, "upstream_error")],
    ["503 upstream_unavailable", apiError(503, "upstream_unavailable")],
    ["504 upstream_timeout", apiError(504, "upstream_timeout")],
    ["a network failure", new NetworkError(new TypeError("Failed to fetch"))],
  ])("retries %s at most twice", (_name, error) => {
    expect(shouldRetry(0, error)).toBe(true);
    expect(shouldRetry(1, error)).toBe(true);
    expect(shouldRetry(2, error)).toBe(false);
  });
});
