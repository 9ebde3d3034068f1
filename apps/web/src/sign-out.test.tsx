import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fail, fakeBff, ok } from "./test/fakeBff.js";
import { adele, signedIn } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

const LOGOUT_URL =
  "http://127.0.0.1:5001/tenant/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F";

describe("Sign out", () => {
  it("POSTs /logout with X-CSRF, forgets the user and navigates to the returned logout URL", async () => {
    const bff = fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "POST /logout": ok({ logoutUrl: LOGOUT_URL }),
    });
    const { user, assign, queryClient } = renderApp("/");
    await screen.findByRole("heading", { name: "Welcome, Adele" });

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(LOGOUT_URL));
    const [logout] = bff.calls("POST /logout");
    expect(logout?.headers.get("x-csrf")).toBe("1");
    expect(logout?.credentials).toBe("same-origin");
    expect(queryClient.getQueryData(["me"])).toBeUndefined();
    expect(queryClient.getQueryData(["session"])).toBeUndefined();
  });

  it("is reachable and usable with the keyboard alone", async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "POST /logout": ok({ logoutUrl: LOGOUT_URL }),
    });
    const { user, assign } = renderApp("/");
    await screen.findByRole("heading", { name: "Welcome, Adele" });
    const signOut = screen.getByRole("button", { name: "Sign out" });
    for (let i = 0; i < 10 && document.activeElement !== signOut; i++) await user.tab();
    expect(document.activeElement).toBe(signOut);
    await user.keyboard("{Enter}");
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(LOGOUT_URL));
  });

  it("stays on the page and says so when the BFF refuses", async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "POST /logout": fail(403, "csrf_rejected"),
    });
    const { user, assign } = renderApp("/");
    await screen.findByRole("heading", { name: "Welcome, Adele" });
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Sign-out failed. Try again.");
    expect(assign).not.toHaveBeenCalled();
    screen.getByRole("heading", { name: "Welcome, Adele" });
  });
});
