import { expect, test } from "../support/fixtures.js";
import {
  ADELE,
  apiWithCookie,
  expectAccountPicker,
  expectDashboard,
  expectProfileCard,
  expectSignedOut,
  SESSION_COOKIE,
  saveScreenshot,
  signIn,
  signInLink,
  tabTo,
} from "../support/flows.js";

test.describe("signing in and out", () => {
  test("a user signs in, sees their dashboard, keeps it on reload, signs out, and the old cookie is dead", async ({
    page,
    context,
    app,
    leaks,
  }, testInfo) => {
    await page.goto("/");
    await expectSignedOut(page);
    await testInfo.attach("signed-out", {
      path: await saveScreenshot(page, "signed-out"),
      contentType: "image/png",
    });

    await signIn(page, ADELE, app);
    expect(new URL(page.url()).pathname).toBe("/");
    await expectDashboard(page, ADELE);
    await leaks.checkPage(page);
    await testInfo.attach("dashboard", {
      path: await saveScreenshot(page, "dashboard"),
      contentType: "image/png",
    });

    await page.reload();
    await expectDashboard(page, ADELE);

    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie, `a ${SESSION_COOKIE} cookie after sign-in`).toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    const oldCookie = cookie?.value ?? "";
    expect(await apiWithCookie(app.baseUrl, "/api/me", oldCookie)).toEqual({ status: 200 });

    await page.getByRole("button", { name: "Sign out" }).click();
    // Through Entra's end-session endpoint and back to the app's post_logout_redirect_uri.
    await page.waitForURL(`${app.baseUrl}/`);
    await expectSignedOut(page);
    expect((await context.cookies()).filter((c) => c.name === SESSION_COOKIE)).toEqual([]);

    expect(await apiWithCookie(app.baseUrl, "/api/me", oldCookie)).toEqual({
      status: 401,
      code: "unauthenticated",
    });
  });

  test("a deep link signed out comes back to the same page after sign-in", async ({ page, app }) => {
    await page.goto("/profile");
    await expectSignedOut(page);
    await expect(signInLink(page)).toHaveAttribute("href", "/login?returnTo=%2Fprofile");

    await signIn(page, ADELE, app);
    expect(new URL(page.url()).pathname).toBe("/profile");
    await expect(page.getByRole("heading", { level: 1, name: ADELE.name })).toBeVisible();
    await expectProfileCard(page, ADELE);
    // The app roles of the ID token, kept by the BFF (Adele has Tasks.Admin in the emulator).
    const roles = page.getByRole("region", { name: "Your app roles" });
    await expect(roles.getByRole("listitem")).toHaveText(["Tasks.Admin"]);
  });

  test("a keyboard-only user signs in and out with Tab and Enter", async ({ page, app }) => {
    await page.goto("/");
    await expectSignedOut(page);

    await tabTo(page, signInLink(page));
    await page.keyboard.press("Enter");
    await expectAccountPicker(page, app.emulatorUrl);

    await tabTo(page, page.getByRole("button", { name: ADELE.name }));
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.baseUrl}/`);
    await expectDashboard(page, ADELE);

    await tabTo(page, page.getByRole("button", { name: "Sign out" }));
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.baseUrl}/`);
    await expectSignedOut(page);
    // Really signed out: a fresh load still shows the landing page.
    await page.reload();
    await expectSignedOut(page);
  });
});
