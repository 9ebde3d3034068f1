import { describe, expect, it } from "vitest";
import { upstreamUrl } from "../../src/apis/upstream-url.js";

const BASE = "https://tasks.example.com/v1";
const map = (target: string) => upstreamUrl(target, "/api/tasks", BASE);

describe("upstreamUrl", () => {
  it.each([
    ["/api/tasks", `${BASE}`],
    ["/api/tasks/", `${BASE}/`],
    ["/api/tasks/42", `${BASE}/42`],
    ["/api/tasks/a/b/?x=1&y=%2F", `${BASE}/a/b/?x=1&y=%2F`],
    ["/api/tasks?done=true", `${BASE}?done=true`],
    ["/api/tasks/caf%C3%A9", `${BASE}/caf%C3%A9`],
    ["/api/tasks/a..b", `${BASE}/a..b`],
  ])("maps %s to %s", (target, expected) => {
    expect(map(target)).toBe(expected);
  });

  it.each(["/api/tasksX", "/api/task", "/api/tasks.json", "/api/me"])("does not match %s", (target) => {
    expect(map(target)).toBeUndefined();
  });

  it.each([
    "/api/tasks/..",
    "/api/tasks/../me",
    "/api/tasks/./x",
    "/api/tasks/%2e%2e/admin",
    "/api/tasks/%2E%2e",
    "/api/tasks/.%2E/x",
    "/api/tasks/%2e",
    "/api/tasks/a%2fb",
    "/api/tasks/a%2F..%2Fb",
    "/api/tasks/a%5cb",
    "/api/tasks/a\\..\\b",
    "/api/tasks/%0d%0aHost:%20evil",
    "/api/tasks/%00",
    "/api/tasks/%zz",
    "/api/tasks/a b",
    "/api/tasks/a\r\nX-Injected: 1",
    "/api/tasks?x=\r\nX-Injected: 1",
  ])("refuses %j with 400 invalid_path", (target) => {
    expect(() => map(target)).toThrow(expect.objectContaining({ code: "invalid_path", statusCode: 400 }));
  });
});
