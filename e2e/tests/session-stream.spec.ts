import type { BrowserContext, Page, Request } from "@playwright/test";
import { expect, test } from "../support/fixtures.js";
import { ADELE, expectDashboard, signInFromHome } from "../support/flows.js";

const STREAM = "/api/session/events";

/**
 * The event streams a browser holds open right now, counted from its own requests: a stream opens
 * with its request and ends when the request fails (EventSource.close() aborts it), finishes, or
 * its tab closes.
 */
function watchStreams(context: BrowserContext) {
  const open = new Map<Request, Page | null>();
  let opened = 0;
  context.on("request", (request) => {
    if (!new URL(request.url()).pathname.startsWith(STREAM)) return;
    opened++;
    open.set(request, request.frame().page());
  });
  const done = (request: Request) => open.delete(request);
  context.on("requestfailed", done);
  context.on("requestfinished", done);
  const onClose = (page: Page) =>
    page.on("close", () => {
      for (const [request, owner] of open) if (owner === page) open.delete(request);
    });
  for (const page of context.pages()) onClose(page);
  context.on("page", onClose);
  return {
    count: () => open.size,
    opened: () => opened,
    /** True when exactly one stream is open, and `page` holds it. */
    heldBy: (page: Page) => open.size === 1 && [...open.values()][0] === page,
  };
}

/** What the browser does when a tab is hidden or shown (headless tabs are always "visible"). */
async function setVisible(page: Page, visible: boolean): Promise<void> {
  await page.evaluate(
    (state) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
      document.dispatchEvent(new Event("visibilitychange"));
    },
    visible ? "visible" : "hidden",
  );
}

const signedOutHeading = (page: Page) => page.getByRole("heading", { name: "You were signed out" });

test("the tabs of one browser share one event stream, hand it over, and all hear the session end", async ({
  page,
  context,
  app,
  newUserContext,
}) => {
  const streams = watchStreams(context);
  await signInFromHome(page, ADELE, app);
  await expect.poll(streams.count).toBe(1);

  const second = await context.newPage();
  await second.goto("/");
  await expectDashboard(second, ADELE);
  // The second tab waits for the Web Lock instead of opening a stream of its own.
  await second.waitForTimeout(1_000);
  expect(streams.heldBy(page)).toBe(true);
  expect(streams.opened()).toBe(1);

  // The leader goes: the other tab takes the lock over and streams.
  await page.close();
  await expect.poll(() => streams.heldBy(second)).toBe(true);

  const third = await context.newPage();
  await third.goto("/");
  await expectDashboard(third, ADELE);
  await third.waitForTimeout(1_000);
  expect(streams.heldBy(second)).toBe(true);

  // Every tab hidden: no stream at all; one shown again: one stream again.
  await setVisible(second, false);
  await setVisible(third, false);
  await expect.poll(streams.count).toBe(0);
  await third.waitForTimeout(1_000);
  expect(streams.count()).toBe(0);
  await setVisible(third, true);
  await expect.poll(() => streams.heldBy(third)).toBe(true);
  await setVisible(second, true);
  await second.waitForTimeout(1_000);
  expect(streams.heldBy(third)).toBe(true);

  // Ended from another browser of the same user: both tabs are told, without a reload.
  const elsewhere = await (await newUserContext()).newPage();
  await signInFromHome(elsewhere, ADELE, app);
  const ended = await elsewhere.evaluate(async () => {
    const response = await fetch("/api/sessions?others=true", {
      method: "DELETE",
      headers: { "X-CSRF": "1" },
    });
    return ((await response.json()) as { ended: number }).ended;
  });
  expect(ended).toBeGreaterThanOrEqual(1);
  await expect(signedOutHeading(second)).toBeVisible({ timeout: 5_000 });
  await expect(signedOutHeading(third)).toBeVisible({ timeout: 5_000 });
  await expect.poll(streams.count).toBe(0);
});
