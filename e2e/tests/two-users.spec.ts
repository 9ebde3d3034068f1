import { expect, test } from "../support/fixtures.js";
import {
  ADELE,
  expectAccountPicker,
  expectDashboard,
  MEGAN,
  pickAccount,
  signInLink,
} from "../support/flows.js";

test.describe("two people at once", () => {
  test("two users in two browsers each see only their own profile", async ({ page, app, newUserContext }) => {
    const megansBrowser = await newUserContext();
    const megan = await megansBrowser.newPage();
    const adele = page;

    // Both sign-ins are in flight at the same time (state-keyed pre-login records).
    await adele.goto("/");
    await megan.goto("/");
    await signInLink(adele).click();
    await signInLink(megan).click();
    await expectAccountPicker(adele, app.emulatorUrl);
    await expectAccountPicker(megan, app.emulatorUrl);
    await pickAccount(megan, MEGAN, app.baseUrl);
    await pickAccount(adele, ADELE, app.baseUrl);

    await expectDashboard(adele, ADELE);
    await expectDashboard(megan, MEGAN);
    await expect(adele.getByText(MEGAN.name)).toHaveCount(0);
    await expect(megan.getByText(ADELE.name)).toHaveCount(0);

    // Interleaved API calls keep answering each cookie with its own user.
    const me = (page: typeof adele) =>
      page.evaluate(async () => {
        const response = await fetch("/api/me", { headers: { "X-CSRF": "1" } });
        return ((await response.json()) as { displayName?: string }).displayName;
      });
    const [adeleName, meganName] = await Promise.all([me(adele), me(megan)]);
    expect({ adeleName, meganName }).toEqual({ adeleName: ADELE.name, meganName: MEGAN.name });

    await Promise.all([adele.reload(), megan.reload()]);
    await expectDashboard(adele, ADELE);
    await expectDashboard(megan, MEGAN);
  });
});
