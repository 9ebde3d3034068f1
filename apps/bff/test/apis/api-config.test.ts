import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseApis } from "../../src/apis/api-config.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { checkConfiguration } from "../../src/doctor/checks/configuration.js";

const TASKS = "api://3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";
const good = {
  prefix: "/api/tasks",
  upstream: "https://tasks.example.com/v1",
  token: "user",
  scopes: [`${TASKS}/Tasks.ReadWrite`],
};

function refusal(entries: unknown): string {
  try {
    parseApis(entries);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("accepted");
}

describe("BFF_APIS validation", () => {
  it("fills in the defaults of a valid entry and finds its resource", () => {
    const [route] = parseApis([good]);
    expect(route).toMatchObject({
      prefix: "/api/tasks",
      upstream: "https://tasks.example.com/v1",
      resource: TASKS,
      methods: ["GET"],
      session: "required",
      timeoutMs: 10_000,
      maxBodyBytes: 1_048_576,
      stream: true,
    });
    expect(parseApis([{ ...good, upstream: "http://127.0.0.1:5002/v1/" }])[0]?.upstream).toBe(
      "http://127.0.0.1:5002/v1",
    );
  });

  it.each([
    ["not an array", { ...good }, /BFF_APIS: must be a JSON array/],
    [
      "a non-http upstream",
      [{ ...good, upstream: "file:///etc/passwd" }],
      /entry 0 \(\/api\/tasks\): field "upstream"/,
    ],
    ["an ftp upstream", [{ ...good, upstream: "ftp://x/" }], /field "upstream"/],
    [
      "an upstream with credentials",
      [{ ...good, upstream: "https://u:p@x.example/" }],
      /field "upstream" must not carry credentials/,
    ],
    ["a prefix outside /api", [{ ...good, prefix: "/tasks" }], /field "prefix"/],
    ["a prefix with a dot segment", [{ ...good, prefix: "/api/../me" }], /field "prefix"/],
    ["a trailing slash", [{ ...good, prefix: "/api/tasks/" }], /field "prefix"/],
    ["the built-in /api/me", [{ ...good, prefix: "/api/me" }], /overlaps the built-in route \/api\/me/],
    ["below the built-in /api/me", [{ ...good, prefix: "/api/me/calendar" }], /overlaps the built-in route/],
    ["the built-in /api/session", [{ ...good, prefix: "/api/session" }], /built-in route \/api\/session/],
    ["the built-in /api/sessions", [{ ...good, prefix: "/api/sessions" }], /built-in route \/api\/sessions/],
    [
      "overlapping prefixes",
      [good, { ...good, prefix: "/api/tasks/archive" }],
      /entry 1 \(\/api\/tasks\/archive\): field "prefix" overlaps entry 0/,
    ],
    ["the same prefix twice", [good, good], /entry 1 .*overlaps entry 0/],
    [
      "scopes of two resources",
      [{ ...good, scopes: [`${TASKS}/Tasks.ReadWrite`, "User.Read"] }],
      /field "scopes" mix resources/,
    ],
    ["a user token without scopes", [{ ...good, scopes: [] }], /field "scopes" are required/],
    ["scopes with token none", [{ ...good, token: "none" }], /field "scopes" must be empty/],
    ["an unknown token kind", [{ ...good, token: "id" }], /field "token"/],
    ["an unknown method", [{ ...good, methods: ["TRACE"] }], /field "methods"/],
    ["an unknown field", [{ ...good, upstreams: "x" }], /field "upstreams"/],
    ["a missing upstream", [{ prefix: "/api/x", token: "none" }], /entry 0 \(\/api\/x\): field "upstream"/],
    ["forwarding cookies", [{ ...good, headers: ["cookie"] }], /field "headers" must not list "cookie"/],
    ["forwarding authorization", [{ ...good, headers: ["authorization"] }], /must not list "authorization"/],
    ["an upper-case header", [{ ...good, headers: ["X-Extra"] }], /field "headers"/],
    ["a zero timeout", [{ ...good, timeoutMs: 0 }], /field "timeoutMs"/],
    ["an optional session with a user token", [{ ...good, session: "optional" }], /field "session"/],
    [
      "an optional session with an app token",
      [{ ...good, token: "app", session: "optional" }],
      /field "session" can be "optional" only when token is "none"/,
    ],
  ])("refuses %s, naming the entry and field", (_name, entries, message) => {
    expect(refusal(entries)).toMatch(message);
  });

  it("accepts Graph declared like any API, and an unprotected public upstream", () => {
    const routes = parseApis([
      {
        prefix: "/api/graph",
        upstream: "https://graph.microsoft.com/v1.0",
        token: "user",
        scopes: ["User.Read", "Calendars.Read"],
      },
      { prefix: "/api/public", upstream: "http://status.example.com", token: "none", session: "optional" },
    ]);
    expect(routes.map((route) => route.resource)).toEqual(["https://graph.microsoft.com", undefined]);
  });

  it("loadConfig reports a bad file under BFF_APIS with the fix", () => {
    const dir = mkdtempSync(join(tmpdir(), "bff-apis-"));
    const file = join(dir, "apis.json");
    writeFileSync(file, JSON.stringify([{ ...good, upstream: "javascript:alert(1)" }]));
    expect(() => loadConfig({ BFF_APIS: file })).toThrow(
      /BFF_APIS: entry 0 \(\/api\/tasks\): field "upstream"/,
    );
    writeFileSync(file, "{not json");
    expect(() => loadConfig({ BFF_APIS: file })).toThrow(/BFF_APIS: .* is not valid JSON/);
    expect(() => loadConfig({ BFF_APIS: join(dir, "missing.json") })).toThrow(/BFF_APIS: cannot read/);
    writeFileSync(file, JSON.stringify([good]));
    expect(loadConfig({ BFF_APIS: file }).apis).toHaveLength(1);
  });

  it("pnpm run doctor fails the configuration check on a bad BFF_APIS entry, with the fix", () => {
    const dir = mkdtempSync(join(tmpdir(), "bff-apis-"));
    const file = join(dir, "apis.json");
    writeFileSync(file, JSON.stringify([good, { ...good, prefix: "/api/tasks/x" }]));
    const { results, config } = checkConfiguration({ BFF_APIS: file });
    expect(config).toBeUndefined();
    expect(results).toEqual([
      expect.objectContaining({
        status: "fail",
        detail: expect.stringMatching(
          /BFF_APIS: entry 1 \(\/api\/tasks\/x\): field "prefix" overlaps entry 0/,
        ),
        fix: expect.stringContaining("BFF_APIS"),
      }),
    ]);
  });
});
