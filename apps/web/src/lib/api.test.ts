import { describe, expect, it, vi } from "vitest";
import { fetchPhoto } from "../signed-in/api.js";
import { ApiRequestError, fetchSession, NetworkError } from "./api.js";

function stubFetch(response: Response | Error) {
  const fetchMock = vi.fn(async () => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("the BFF fetch wrapper", () => {
  it("sends the X-CSRF header and the same-origin cookie", async () => {
    const fetchMock = stubFetch(json({ authenticated: false, emulator: false }));
    await fetchSession();
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).get("x-csrf")).toBe("1");
    expect(init.credentials).toBe("same-origin");
  });

  it("throws an ApiRequestError with the status, code and retryAfter of an error answer", async () => {
    stubFetch(json({ code: "rate_limited", message: "Slow down", retryAfter: 12 }, 429));
    const error = await fetchSession().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "Slow down", retryAfter: 12 });
  });

  it("keeps the status of an answer that is not JSON and calls it internal_error", async () => {
    stubFetch(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    await expect(fetchSession()).rejects.toMatchObject({ status: 502, code: "internal_error" });
  });

  it("turns a fetch TypeError into a NetworkError", async () => {
    stubFetch(new TypeError("Failed to fetch"));
    await expect(fetchSession()).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("fetchPhoto", () => {
  it("answers null when the user has no photo (404)", async () => {
    stubFetch(json({ code: "not_found", message: "No photo" }, 404));
    await expect(fetchPhoto()).resolves.toBeNull();
  });

  it("still throws other errors", async () => {
    stubFetch(json({ code: "upstream_unavailable", message: "Graph is down" }, 503));
    await expect(fetchPhoto()).rejects.toMatchObject({ status: 503 });
  });

  it("returns the image bytes", async () => {
    stubFetch(new Response(new Uint8Array([1, 2, 3]), { headers: { "content-type": "image/png" } }));
    const blob = await fetchPhoto();
    expect(blob?.size).toBe(3);
  });
});
