// The scenarios' `test`: the running app's URLs, a reset emulator, token-leak checks on every
// browser context, and the server log attached when a test fails.
import { readFileSync } from "node:fs";
import { type BrowserContext, test as base, expect } from "@playwright/test";
import { EmulatorControl } from "./emulator-control.js";
import { readServerInfo, type ServerInfo, serverLogPath } from "./server.js";
import { TokenLeakWatcher } from "./token-leaks.js";

interface Fixtures {
  app: ServerInfo;
  emulator: EmulatorControl;
  leaks: TokenLeakWatcher;
  /** A second (third…) browser, as another person on another machine; watched for leaks too. */
  newUserContext: () => Promise<BrowserContext>;
  serverLogOnFailure: undefined;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured
  app: async ({}, use) => {
    await use(readServerInfo());
  },
  baseURL: async ({ app }, use) => {
    await use(app.baseUrl);
  },
  emulator: [
    async ({ app }, use) => {
      const emulator = new EmulatorControl(app.emulatorUrl);
      // The control API is global to the emulator: each scenario starts from a clean one.
      await emulator.reset();
      await use(emulator);
      await emulator.reset();
    },
    { auto: true },
  ],
  leaks: [
    async ({ context }, use) => {
      const leaks = new TokenLeakWatcher();
      leaks.watch(context);
      await use(leaks);
      await leaks.settle(context);
      expect(leaks.findings, "tokens must never reach the browser").toEqual([]);
      if (context.pages().length > 0) {
        expect(leaks.bodiesScanned, "the leak check read no response body").toBeGreaterThan(0);
      }
    },
    { auto: true },
  ],
  newUserContext: async ({ browser, app, leaks }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL: app.baseUrl });
      leaks.watch(context);
      contexts.push(context);
      return context;
    });
    for (const context of contexts) {
      await leaks.settle(context);
      await context.close();
    }
  },
  serverLogOnFailure: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured
    async ({}, use, testInfo) => {
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) {
        const log = readFileSync(serverLogPath, "utf8");
        await testInfo.attach("server.log", { body: log, contentType: "text/plain" });
        console.error(`\n--- server log (last 60 lines) for "${testInfo.title}" ---`);
        console.error(log.split("\n").slice(-60).join("\n"));
      }
    },
    { auto: true },
  ],
});

export { expect };
