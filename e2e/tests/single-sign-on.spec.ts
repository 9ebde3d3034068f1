import { expect, test } from "../support/fixtures.js";
import {
  ADELE,
  expectAccountPicker,
  expectDashboard,
  expectSignedOut,
  SESSION_COOKIE,
  signInFromHome,
  signInLink,
} from "../support/flows.js";

test.describe("single sign-on at the emulator", () => {
  test("a new app session signs in without the picker while Entra's session lasts; sign-out ends both", async ({
    page,
    context,
    app,
  }) => {
    await signInFromHome(page, ADELE, app);

    // The app's session goes (cookie lost), Entra's stays: Sign in comes straight back, no picker.
    await context.clearCookies({ name: SESSION_COOKIE });
    await page.goto("/");
    await expectSignedOut(page);
    await signInLink(page).click();
    await page.waitForURL(`${app.baseUrl}/`);
    await expectDashboard(page, ADELE);

    // Sign-out goes through Entra's end-session endpoint, which ends the emulator session too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.baseUrl}/`);
    await expectSignedOut(page);
    await signInLink(page).click();
    await expectAccountPicker(page, app.emulatorUrl);
    expect(new URL(page.url()).pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
  });
});
