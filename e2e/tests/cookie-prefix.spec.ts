// What Debian's Chromium does with cookie name prefixes (RFC 6265bis): the facts the session
// cookie's name relies on (docs/conformance.md). A page of our own on http://localhost, which
// Chromium treats as a secure context, so Secure cookies are accepted there.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";

let server: Server;
let base: string;
test.beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/set") {
      response.setHeader("Set-Cookie", [
        "__Host-Http-good=1; Secure; HttpOnly; Path=/",
        "__Host-Http-scriptable=1; Secure; Path=/", // no HttpOnly
        "__Host-Http-domain=1; Secure; HttpOnly; Path=/; Domain=localhost",
        "__Host-classic=1; Secure; HttpOnly; Path=/",
        "__Host-insecure=1; HttpOnly; Path=/", // no Secure
      ]);
    }
    response.setHeader("Content-Type", "text/html");
    response.end("<!doctype html><title>cookies</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test.describe("Debian's Chromium and cookie name prefixes", () => {
  test("refuses a __Host-Http- cookie without HttpOnly or set from script, and keeps __Host- as it was", async ({
    page,
    context,
  }) => {
    await page.goto(`${base}/set`);
    await page.evaluate(() => {
      // Page script (an XSS) tries to plant cookies under both prefixes.
      // biome-ignore lint/suspicious/noDocumentCookie: an XSS writing document.cookie is the attack under test
      document.cookie = "__Host-Http-planted=1; Secure; Path=/";
      // biome-ignore lint/suspicious/noDocumentCookie: an XSS writing document.cookie is the attack under test
      document.cookie = "__Host-planted=1; Secure; Path=/";
    });
    const names = (await context.cookies()).map((cookie) => cookie.name).sort();
    // __Host-Http-: only the HttpOnly cookie the server set; script cannot plant one.
    expect(names.filter((name) => name.startsWith("__Host-Http-"))).toEqual(["__Host-Http-good"]);
    // __Host- alone refuses a cookie without Secure, but script can plant one.
    expect(names.filter((name) => !name.startsWith("__Host-Http-"))).toEqual([
      "__Host-classic",
      "__Host-planted",
    ]);
  });
});
