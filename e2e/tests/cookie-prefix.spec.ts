// What Debian's Chromium does with cookie name prefixes (RFC 6265bis): the facts the session
// cookie's name relies on (docs/conformance.md), and the BFF's own https session cookie in it. A page of our own on http://localhost, which
// Chromium treats as a secure context, so Secure cookies are accepted there.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";

/**
 * The BFF's https-mode Set-Cookie headers, attribute for attribute as it sends them at sign-in and
 * sign-out (apps/bff/test/security/session-cookie-prefix.test.ts checks the BFF's side).
 */
const SID = "uaTiNtPKrG4MVovTqPDj_0IBptxyxoZ9VZOBb-Ktvdo.wkjl/GUGmL8L526TGOthI0/M+oTzWYovq7caS9Sn4Ww";
const BFF_SIGN_IN = [
  `__Host-Http-bff.sid=${SID}; Max-Age=28800; Path=/; HttpOnly; Secure; SameSite=Lax`,
  `__Host-bff.sid=${SID}; Max-Age=28799; Path=/; HttpOnly; Secure; SameSite=Lax`,
];
const EPOCH = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
const BFF_SIGN_OUT = [
  `__Host-Http-bff.sid=; Max-Age=0; Path=/; ${EPOCH}; HttpOnly; Secure; SameSite=Lax`,
  `__Host-bff.sid=; Max-Age=0; Path=/; ${EPOCH}; HttpOnly; Secure; SameSite=Lax`,
];

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
    if (request.url === "/bff-sign-in") response.setHeader("Set-Cookie", BFF_SIGN_IN);
    if (request.url === "/bff-sign-out") response.setHeader("Set-Cookie", BFF_SIGN_OUT);
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

  test("stores the BFF's __Host-Http-bff.sid, which script can neither read nor overwrite, and sign-out clears it", async ({
    page,
    context,
  }) => {
    await page.goto(`${base}/bff-sign-in`);
    const sessionCookies = async () =>
      Object.fromEntries(
        (await context.cookies())
          .filter((cookie) => cookie.name.endsWith("bff.sid"))
          .map((cookie) => [cookie.name, cookie.value]),
      );
    expect(await sessionCookies()).toEqual({ "__Host-Http-bff.sid": SID, "__Host-bff.sid": SID });
    const seen = await page.evaluate(() => {
      const before = document.cookie;
      // An XSS tries to fix the session to one of the attacker's.
      // biome-ignore lint/suspicious/noDocumentCookie: an XSS writing document.cookie is the attack under test
      document.cookie = "__Host-Http-bff.sid=attacker; Secure; Path=/";
      return before;
    });
    expect(seen).not.toContain("bff.sid");
    expect((await sessionCookies())["__Host-Http-bff.sid"]).toBe(SID);
    await page.goto(`${base}/bff-sign-out`);
    expect(await sessionCookies()).toEqual({});
  });
});
