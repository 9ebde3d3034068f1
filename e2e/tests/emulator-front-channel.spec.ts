import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG, type Emulator, startEmulator } from "@entra-bff/entra-emulator";
import { expect, test } from "@playwright/test";

// The emulator's sign-out page in a real browser: front-channel logout iframes load (with the
// session's sid) under its CSP, then the page goes on to the app's post-logout redirect URI.
let emulator: Emulator;
let appServer: Server;
let appUrl: string;
const hits: string[] = [];

test.beforeAll(async () => {
  appServer = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title><p>app</p>");
  });
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  const base = DEFAULT_CONFIG.clients[0];
  if (!base) throw new Error("no built-in client");
  emulator = await startEmulator({
    config: {
      ...DEFAULT_CONFIG,
      clients: [{ ...base, redirectUris: [`${appUrl}/cb`], frontchannelLogoutUrl: `${appUrl}/frontchannel` }],
    },
  });
});
test.afterAll(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => appServer.close(() => resolve()));
});

test("sign-out loads the app's front-channel URL with ?sid= and then returns to the app", async ({
  page,
}) => {
  const authorize = new URL(`${emulator.authority}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({
    client_id: emulator.client.clientId,
    response_type: "code",
    redirect_uri: `${appUrl}/cb`,
    scope: "openid",
  }))
    authorize.searchParams.set(k, v);
  await page.goto(authorize.toString());
  await page.getByRole("button", { name: /Adele Vance/ }).click();
  await page.waitForURL(/\/cb\?/);
  const sid = new URL(page.url()).searchParams.get("session_state");
  expect(sid).toMatch(/^[0-9a-f-]{36}$/);

  const logout = new URL(`${emulator.authority}/oauth2/v2.0/logout`);
  logout.searchParams.set("post_logout_redirect_uri", `${appUrl}/cb`);
  logout.searchParams.set("state", "bye");
  await page.goto(logout.toString());
  await page.waitForURL(`${appUrl}/cb?state=bye`);
  expect(hits).toContain(`/frontchannel?sid=${sid}`);
  // The front-channel request came before the redirect back to the app.
  expect(hits.indexOf(`/frontchannel?sid=${sid}`)).toBeLessThan(hits.lastIndexOf("/cb?state=bye"));
});
