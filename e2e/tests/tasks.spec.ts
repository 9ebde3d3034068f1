import { expect, test } from "../support/fixtures.js";
import { ADELE, signIn } from "../support/flows.js";

test.describe("the Tasks page (a declared API behind the BFF)", () => {
  test("asks for permission once, then lists, adds, completes and deletes tasks", async ({
    page,
    app,
    leaks,
  }) => {
    await page.goto("/");
    await signIn(page, ADELE, app);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tasks" }).click();

    // The Tasks API's scope is not consented yet: consent_required → the prompt, session intact.
    await expect(page.getByRole("heading", { name: "This page needs your permission" })).toBeVisible();
    await page.getByRole("link", { name: "Grant permission" }).click();
    // At the emulator: the account (unless single sign-on skips the picker), then the consent step.
    const accept = page.getByRole("button", { name: "Accept" });
    const account = page.getByRole("button", { name: ADELE.name });
    await expect(accept.or(account)).toBeVisible();
    if (await account.isVisible()) await account.click();
    await accept.click();
    await page.waitForURL(`${app.baseUrl}/tasks`);

    await expect(page.getByRole("heading", { level: 1, name: "Tasks" })).toBeVisible();
    await expect(page.getByText("No tasks yet.")).toBeVisible();
    await page.getByLabel("New task").fill("Book the venue");
    await page.getByRole("button", { name: "Add" }).click();
    await expect(page.getByText("Book the venue")).toBeVisible();

    await page.getByRole("checkbox").check();
    await expect(page.getByRole("checkbox")).toBeChecked();
    await page.reload();
    await expect(page.getByRole("checkbox")).toBeChecked();

    await page.getByRole("button", { name: "Delete Book the venue" }).click();
    await expect(page.getByText("No tasks yet.")).toBeVisible();
    await page.reload();
    await expect(page.getByText("No tasks yet.")).toBeVisible();
    await leaks.checkPage(page);
  });
});
