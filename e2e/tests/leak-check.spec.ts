import { expect, test } from "../support/fixtures.js";
import { TokenLeakWatcher } from "../support/token-leaks.js";

// A fake JWT (header {"alg":"none"}, payload {}); never sent by the app, only to test the check.
const FAKE_JWT = "eyJhbGciOiJub25lIn0.e30.";

test.describe("the token-leak check", () => {
  test("catches a JWT in a response body, in storage and in a cookie", async ({ browser, app }) => {
    const context = await browser.newContext({ baseURL: app.baseUrl });
    const watcher = new TokenLeakWatcher();
    watcher.watch(context);
    const page = await context.newPage();
    await page.route("**/leaky", (route) =>
      route.fulfill({
        contentType: "text/html",
        headers: { "set-cookie": `leak=${FAKE_JWT}; Path=/` },
        body: `<p>${FAKE_JWT}</p><script>localStorage.setItem("t", "${FAKE_JWT}")</script>`,
      }),
    );
    await page.goto("/leaky");
    await watcher.settle(context);
    await context.close();

    expect(watcher.findings.join("\n")).toContain("body of 200");
    expect(watcher.findings.join("\n")).toContain("localStorage");
    expect(watcher.findings.join("\n")).toContain("document.cookie");
    expect(watcher.findings.join("\n")).toContain("cookie leak");
  });
});
