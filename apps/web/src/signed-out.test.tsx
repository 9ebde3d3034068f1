import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fail, fakeBff, hang, ok } from "./test/fakeBff.js";
import { signedOut } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

describe("the signed-out page", () => {
  it("shows the app name, what it does and a Sign in with Microsoft link back to /", async () => {
    fakeBff({ "GET /api/session": ok(signedOut()) });
    renderApp("/");
    await screen.findByRole("heading", { level: 1, name: "Entra BFF" });
    screen.getByText(/see your Microsoft 365 profile/i);
    const signIn = screen.getByRole("link", { name: "Sign in with Microsoft" });
    expect(signIn.getAttribute("href")).toBe("/login?returnTo=%2F");
  });

  it("keeps a deep link, query included, through sign-in via returnTo", async () => {
    fakeBff({ "GET /api/session": ok(signedOut()) });
    renderApp("/profile?section=contact");
    const signIn = await screen.findByRole("link", { name: "Sign in with Microsoft" });
    expect(signIn.getAttribute("href")).toBe("/login?returnTo=%2Fprofile%3Fsection%3Dcontact");
  });

  it("treats a 401 unauthenticated from /api/session like a signed-out answer", async () => {
    fakeBff({ "GET /api/session": fail(401, "unauthenticated") });
    renderApp("/");
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
  });

  it("shows no navigation and no Sign out button", async () => {
    fakeBff({ "GET /api/session": ok(signedOut()) });
    renderApp("/");
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
  });
});

describe("the emulator banner", () => {
  it('says "Demo mode: local Entra ID emulator" with a demo user to try when the BFF runs the emulator', async () => {
    fakeBff({ "GET /api/session": ok(signedOut(true)) });
    renderApp("/");
    const banner = await screen.findByRole("complementary", { name: "Demo mode" });
    within(banner).getByText("Demo mode: local Entra ID emulator");
    expect(banner.textContent).toContain("Adele Vance");
  });

  it("is absent against a real tenant", async () => {
    fakeBff({ "GET /api/session": ok(signedOut(false)) });
    renderApp("/");
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
    expect(screen.queryByText("Demo mode: local Entra ID emulator")).toBeNull();
  });
});

describe("while the session loads", () => {
  it("shows a loading skeleton with a status for screen readers", async () => {
    fakeBff({ "GET /api/session": hang });
    renderApp("/");
    expect((await screen.findByRole("status")).textContent).toBe("Loading…");
    expect(screen.queryByRole("link", { name: "Sign in with Microsoft" })).toBeNull();
  });
});
