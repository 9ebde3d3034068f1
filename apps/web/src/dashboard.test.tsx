import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fail, fakeBff, hang, ok } from "./test/fakeBff.js";
import { adele, EXPIRES_AT, photoBlob, signedIn, TENANT_ID } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

describe("the dashboard at /", () => {
  it("greets the user and shows the Graph profile", async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/me/photo": ok(photoBlob()),
    });
    renderApp("/");
    await screen.findByRole("heading", { level: 1, name: "Welcome, Adele" });
    const card = screen.getByRole("region", { name: "Adele Vance" });
    within(card).getByText("Product Marketing Manager");
    expect(
      within(card)
        .getByRole("link", { name: adele.mail ?? "" })
        .getAttribute("href"),
    ).toBe(`mailto:${adele.mail}`);
    expect(within(card).getByRole("link", { name: "+1 425 555 0109" }).getAttribute("href")).toBe(
      "tel:+14255550109",
    );
    within(card).getByRole("link", { name: "+1 425 555 0199" });
    within(card).getByText("18/2111");
    within(card).getByText(/en-US/);
  });

  it("shows the profile photo with a description", async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/me/photo": ok(photoBlob()),
    });
    renderApp("/");
    const photo = await screen.findByRole("img", { name: "Profile photo of Adele Vance" });
    expect(photo.getAttribute("src")).toMatch(/^blob:/);
  });

  it("shows an initials avatar with an accessible name when the user has no photo (404)", async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/me/photo": fail(404, "not_found"),
    });
    renderApp("/");
    const avatar = await screen.findByRole("img", { name: "Adele Vance (no profile photo)" });
    expect(avatar.textContent).toBe("AV");
  });

  it("keeps the object id and tenant id in a details section", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    const { user } = renderApp("/");
    const summary = await screen.findByText("Directory details");
    const details = summary.closest("details");
    expect(details?.open).toBe(false);
    await user.click(summary);
    expect(details?.open).toBe(true);
    within(details as HTMLElement).getByText(adele.id);
    within(details as HTMLElement).getByText(TENANT_ID);
  });

  it("shows when the session expires", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    renderApp("/");
    const session = await screen.findByRole("region", { name: "Your session" });
    within(session).getByText("Session expires");
    expect(session.querySelector("time")?.getAttribute("datetime")).toBe(EXPIRES_AT);
  });

  it('says "Not set" for empty profile fields instead of leaving gaps', async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok({ ...adele, mobilePhone: null, businessPhones: [], officeLocation: null }),
    });
    renderApp("/");
    await screen.findByRole("heading", { name: "Adele Vance" });
    expect(screen.getAllByText("Not set")).toHaveLength(3);
  });

  it("shows a loading skeleton while the profile loads", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": hang });
    renderApp("/");
    const status = await screen.findByText("Loading your profile…");
    expect(status.getAttribute("role")).toBe("status");
  });

  it("sends X-CSRF: 1 with the same-origin cookie on every API call", async () => {
    const bff = fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/me/photo": ok(photoBlob()),
    });
    renderApp("/");
    await screen.findByRole("img", { name: "Profile photo of Adele Vance" });
    expect(bff.requests.map((r) => r.path).sort()).toEqual(["/api/me", "/api/me/photo", "/api/session"]);
    for (const request of bff.requests) {
      expect(request.headers.get("x-csrf")).toBe("1");
      expect(request.credentials).toBe("same-origin");
    }
  });
});

describe("navigation", () => {
  it("goes to the profile page without reloading and marks the current link", async () => {
    const bff = fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    const { user } = renderApp("/");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await user.click(within(nav).getByRole("link", { name: "Profile" }));
    await screen.findByRole("heading", { level: 1, name: "Adele Vance" });
    expect(window.location.pathname).toBe("/profile");
    expect(within(nav).getByRole("link", { name: "Profile" }).getAttribute("aria-current")).toBe("page");
    expect(bff.calls("GET /api/session")).toHaveLength(1);
  });

  it("opens /profile directly from a deep link", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    renderApp("/profile");
    await screen.findByRole("heading", { level: 1, name: "Adele Vance" });
    screen.getByRole("heading", { level: 2, name: "Contact" });
  });

  it("follows the browser's back button", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    const { user } = renderApp("/");
    await user.click(await screen.findByRole("link", { name: "Profile" }));
    await screen.findByRole("heading", { level: 1, name: "Adele Vance" });
    window.history.back();
    await screen.findByRole("heading", { level: 1, name: "Welcome, Adele" });
  });

  it("says Page not found for an unknown path", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": ok(adele) });
    renderApp("/nowhere");
    await screen.findByRole("heading", { level: 1, name: "Page not found" });
  });
});
