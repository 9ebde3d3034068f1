import { describe, expect, it } from "vitest";
import { safeReturnTo } from "../../src/auth/return-to.js";
import { ADELE, buildTestApp, CookieJar, callback, startLogin } from "../helpers/test-app.js";

describe("safeReturnTo", () => {
  it.each(["/", "/profile", "/profile?tab=photo", "/a/b/c#section", "/search?q=a%20b", "/caf%C3%A9"])(
    "keeps the same-origin path %s",
    (path) => {
      expect(safeReturnTo(path)).toBe(path);
    },
  );

  it.each([
    ["protocol-relative", "//evil.example"],
    ["protocol-relative with path", "//evil.example/path"],
    ["dot segment before a double slash", "/.//evil.example"],
    ["dot-dot segment before a double slash", "/..//evil.example"],
    ["encoded dot segment before a double slash", "/%2e//evil.example"],
    ["backslash", "/\\evil.example"],
    ["double backslash", "\\\\evil.example"],
    ["absolute https", "https://evil.example"],
    ["absolute http", "http://localhost:5000/"],
    ["javascript scheme", "javascript:alert(1)"],
    ["data scheme", "data:text/html,hi"],
    ["relative without slash", "evil.example"],
    ["encoded double slash", "/%2f/evil.example"],
    ["encoded double slash upper", "/%2F%2Fevil.example"],
    ["fully encoded", "%2F%2Fevil.example"],
    ["encoded backslash", "/%5cevil.example"],
    ["encoded backslash upper", "/%5Cevil.example"],
    ["double-encoded slash", "/%252f/evil.example"],
    ["tab", "/\t/evil.example"],
    ["encoded tab", "/%09/evil.example"],
    ["newline", "/\nevil"],
    ["encoded newline", "/%0d%0aSet-Cookie:x"],
    ["null byte", "/%00"],
    ["DEL", "/\u007f"],
    ["malformed encoding", "/%E0%A4%A"],
    ["empty", ""],
    ["too long", `/${"a".repeat(3000)}`],
  ])("falls back to / for %s (%s)", (_name, value) => {
    expect(safeReturnTo(value)).toBe("/");
  });

  it.each([undefined, null, 42, ["/a"]])("falls back to / for the non-string %s", (value) => {
    expect(safeReturnTo(value)).toBe("/");
  });
});

describe("GET /login?returnTo=", () => {
  it("stores only a safe path: an open redirect attempt ends at /", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = new CookieJar();
    const authorize = await startLogin(app, jar, "//evil.example/steal");
    const res = await callback(app, jar, await emulator.signIn(authorize.toString(), ADELE));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/");
  });
});
