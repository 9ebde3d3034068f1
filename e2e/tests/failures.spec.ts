import { expect, test } from "../support/fixtures.js";
import {
  ADELE,
  expectAccountPicker,
  expectDashboard,
  signIn,
  signInFromHome,
  signInLink,
  tryAgain,
} from "../support/flows.js";

test.describe("when sign-in fails", () => {
  test("cancelling on the account picker shows a friendly page whose Try again works", async ({
    page,
    app,
  }) => {
    await page.goto("/");
    await signInLink(page).click();
    await expectAccountPicker(page, app.emulatorUrl);
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.waitForURL((url) => url.origin === app.baseUrl);
    const alert = page.getByRole("alert");
    await expect(alert.getByRole("heading", { level: 1, name: "Sign-in was cancelled" })).toBeVisible();
    await expect(alert).toContainText("AADSTS65004");
    await expect(alert).toContainText("access_denied");
    await expect(page.getByRole("link", { name: "Back to the app" })).toHaveAttribute("href", "/");

    await tryAgain(page, ADELE, app);
  });

  test("an Entra error (AADSTS50105) is explained on a friendly page whose Try again works", async ({
    page,
    app,
    emulator,
  }) => {
    await emulator.queueAuthorizeError(50105);
    await page.goto("/");
    await signInLink(page).click();

    await page.waitForURL((url) => url.origin === app.baseUrl && url.pathname === "/getAToken");
    const alert = page.getByRole("alert");
    await expect(alert.getByRole("heading", { level: 1, name: "Sign-in did not complete" })).toBeVisible();
    await expect(alert).toContainText("AADSTS50105 (EntitlementGrantsNotFound)");
    await expect(alert).toContainText("The user is not assigned to this application.");
    // No stack trace or raw JSON on the page.
    await expect(alert).not.toContainText(/\bat \S+ \(|\.[jt]s:\d+/);
    await expect(alert).not.toContainText("{");

    await tryAgain(page, ADELE, app);
  });
});

test.describe("when the session or Graph fails later", () => {
  test("a session ended at Entra shows 'Your session has ended', and signing in again works", async ({
    page,
    app,
    emulator,
  }) => {
    await signInFromHome(page, ADELE, app);

    // An hour passes at Entra: the access token expires, and the refresh token has been revoked.
    await emulator.revokeRefreshTokens(ADELE.upn);
    await emulator.advanceClock(3700);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Your session has ended" })).toBeVisible();

    // The BFF's clock never moved: put the emulator's back so new tokens are not issued in its future.
    await emulator.reset();
    await signIn(page, ADELE, app);
    await expectDashboard(page, ADELE);
  });

  test("a Graph outage shows the error panel, and Retry succeeds once Graph is back", async ({
    page,
    app,
    emulator,
  }) => {
    await signInFromHome(page, ADELE, app);

    // Enough failures to outlast the BFF's and the SPA's own retries.
    await emulator.graphFault({ status: 503, count: 1000 });
    await page.reload();
    const panel = page.getByRole("alert");
    await expect(panel.getByRole("heading", { name: "Microsoft Graph is unavailable" })).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByRole("heading", { name: `Welcome, ${ADELE.firstName}` })).toHaveCount(0);

    await emulator.graphFault(null);
    await panel.getByRole("button", { name: "Retry" }).click();
    await expectDashboard(page, ADELE);
  });
});
