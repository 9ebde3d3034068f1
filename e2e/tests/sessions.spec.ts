import { DEFAULT_CONFIG } from "@entra-bff/entra-emulator";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.js";
import { ADELE, expectDashboard, signIn } from "../support/flows.js";

const signedOutHeading = (page: Page) => page.getByRole("heading", { name: "You were signed out" });
const sessionsCard = (page: Page) => page.getByRole("region", { name: "Your sessions" });
const sessionAlive = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch("/api/session", { headers: { "X-CSRF": "1" } });
    return ((await response.json()) as { authenticated: boolean }).authenticated;
  });

test.describe("Your sessions", () => {
  test("two browsers of one user: ending one from the other signs it out at once, without a reload", async ({
    page,
    app,
    newUserContext,
  }) => {
    const other = await (await newUserContext()).newPage();
    await page.goto("/");
    await signIn(page, ADELE, app);
    await expectDashboard(page, ADELE);
    // Earlier scenarios on this server may have left sessions of Adele's behind.
    await page.evaluate(() =>
      fetch("/api/sessions?others=true", { method: "DELETE", headers: { "X-CSRF": "1" } }),
    );
    await other.goto("/");
    await signIn(other, ADELE, app);
    await expectDashboard(other, ADELE);
    await page.goto("/profile");
    const card = sessionsCard(page);
    await expect(card.getByRole("listitem")).toHaveCount(2);
    await expect(card.getByText("This device")).toHaveCount(1);

    const otherRow = card.getByRole("listitem").filter({ hasNotText: "This device" });
    await otherRow.getByRole("button", { name: /^Sign out/ }).click();
    // Pushed over the event stream: the other browser never reloads.
    await expect(signedOutHeading(other)).toBeVisible({ timeout: 5_000 });
    await expect(other.getByRole("link", { name: /Sign in again/ })).toBeVisible();
    await expect(card.getByRole("listitem")).toHaveCount(1);
    expect(await sessionAlive(page)).toBe(true);
  });

  test("sign out everywhere else, then everywhere", async ({ page, app, newUserContext }) => {
    const other = await (await newUserContext()).newPage();
    for (const browser of [page, other]) {
      await browser.goto("/");
      await signIn(browser, ADELE, app);
      await expectDashboard(browser, ADELE);
    }
    await page.goto("/profile");
    await sessionsCard(page).getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect(signedOutHeading(other)).toBeVisible({ timeout: 5_000 });
    await expect(sessionsCard(page).getByRole("listitem")).toHaveCount(1);

    // Everywhere, this browser included: the cookie goes and the answer is Entra's logout URL.
    const answer = await page.evaluate(async () => {
      const response = await fetch("/api/sessions", { method: "DELETE", headers: { "X-CSRF": "1" } });
      return (await response.json()) as { logoutUrl?: string };
    });
    expect(answer.logoutUrl).toContain("/oauth2/v2.0/logout");
    expect(await sessionAlive(page)).toBe(false);
  });

  test("signing out at the identity provider ends the BFF session through the front-channel iframe", async ({
    page,
    app,
  }) => {
    await page.goto("/");
    await signIn(page, ADELE, app);
    await expectDashboard(page, ADELE);

    // Another tab signs out at the emulator (as from another app): its sign-out page frames
    // the BFF's front-channel URL with the SSO session's sid; the BFF has no cookie there.
    const frames: string[] = [];
    const signOutTab = await page.context().newPage();
    signOutTab.on("request", (request) => {
      if (request.url().includes("/logout/frontchannel")) frames.push(request.url());
    });
    const logout = new URL(`${app.emulatorUrl}/${DEFAULT_CONFIG.tenant.id}/oauth2/v2.0/logout`);
    logout.searchParams.set("post_logout_redirect_uri", `${app.baseUrl}/`);
    await signOutTab.goto(logout.toString());
    await signOutTab.waitForURL((url) => url.origin === app.baseUrl);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toContain(`${app.baseUrl}/logout/frontchannel?sid=`);

    await expect(signedOutHeading(page)).toBeVisible({ timeout: 5_000 });
    expect(await sessionAlive(page)).toBe(false);
  });
});
