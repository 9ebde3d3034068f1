// What a person does in the app, step by step, with the texts they see.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";
import { artifactsDir } from "./server.js";

/** Demo users as Microsoft Graph describes them (the emulator's Contoso tenant). */
export const ADELE = {
  name: "Adele Vance",
  firstName: "Adele",
  upn: "AdeleV@M365x214355.onmicrosoft.com",
  jobTitle: "Product Marketing Manager",
  mail: "AdeleV@M365x214355.onmicrosoft.com",
} as const;

export const MEGAN = {
  name: "Megan Bowen",
  firstName: "Megan",
  upn: "MeganB@M365x214355.onmicrosoft.com",
  jobTitle: "Auditor",
  mail: "MeganB@M365x214355.onmicrosoft.com",
} as const;

export type DemoUser = typeof ADELE | typeof MEGAN;

export const SESSION_COOKIE = "bff.sid";

/** The landing page's way in. */
export function signInLink(page: Page): Locator {
  return page.getByRole("link", { name: "Sign in with Microsoft" });
}

/** The emulator's account picker shows, on the emulator's own origin. */
export async function expectAccountPicker(page: Page, emulatorUrl: string): Promise<void> {
  await expect(page.getByRole("heading", { name: "Pick an account" })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(emulatorUrl);
}

/** On the account picker: choose `user` and wait to be back in the app. */
export async function pickAccount(page: Page, user: DemoUser, baseUrl: string): Promise<void> {
  await page.getByRole("button", { name: user.name }).click();
  await page.waitForURL((url) => url.origin === baseUrl);
}

/** From a signed-out page of the app: Sign in (or `link`) → picker → `user` → back in the app. */
export async function signIn(
  page: Page,
  user: DemoUser,
  app: { baseUrl: string; emulatorUrl: string },
  link = signInLink(page),
) {
  await link.click();
  await expectAccountPicker(page, app.emulatorUrl);
  await pickAccount(page, user, app.baseUrl);
}

/** Opens the app signed out, signs `user` in and waits for their dashboard. */
export async function signInFromHome(
  page: Page,
  user: DemoUser,
  app: { baseUrl: string; emulatorUrl: string },
) {
  await page.goto("/");
  await signIn(page, user, app);
  await expectDashboard(page, user);
}

/** On a sign-in error page: Try again → picker → `user` → the dashboard. */
export async function tryAgain(page: Page, user: DemoUser, app: { baseUrl: string; emulatorUrl: string }) {
  await signIn(page, user, app, page.getByRole("link", { name: "Try again" }));
  await expectDashboard(page, user);
}

/** The dashboard greets `user` and shows their Graph name, job title, mail and photo. */
export async function expectDashboard(page: Page, user: DemoUser): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${user.firstName}` })).toBeVisible();
  await expectProfileCard(page, user);
}

/** The profile card (dashboard and /profile): name, job title, mail link and a loaded photo. */
export async function expectProfileCard(page: Page, user: DemoUser): Promise<void> {
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name: user.name, exact: true })).toBeVisible();
  await expect(main.getByText(user.jobTitle, { exact: true }).first()).toBeVisible();
  await expect(main.getByRole("link", { name: user.mail })).toHaveAttribute("href", `mailto:${user.mail}`);
  const photo = main.getByRole("img", { name: `Profile photo of ${user.name}` }).first();
  await expect(photo).toBeVisible();
  // The image decoded: a PNG arrived through /api/me/photo, not a broken blob.
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

/** The signed-out landing page. */
export async function expectSignedOut(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: "Entra BFF" })).toBeVisible();
  await expect(signInLink(page)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
}

/** Presses Tab until `target` has focus (fails after `maxTabs`), as a keyboard user would. */
export async function tabTo(page: Page, target: Locator, maxTabs = 40): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${target} never got keyboard focus after ${maxTabs} Tab presses`);
}

/** Saves a full-page screenshot into e2e/artifacts/ (kept by CI). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Calls the BFF the way the SPA does, with only this cookie: the status and JSON `code`. */
export async function apiWithCookie(
  baseUrl: string,
  path: string,
  cookie: string,
): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { cookie: `${SESSION_COOKIE}=${cookie}`, "x-csrf": "1" },
  });
  const body = (await response.json().catch(() => ({}))) as { code?: string };
  return { status: response.status, ...(body.code ? { code: body.code } : {}) };
}
