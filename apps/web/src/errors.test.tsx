import { onlineManager } from "@tanstack/react-query";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fail, fakeBff, networkDown, ok } from "./test/fakeBff.js";
import { adele, signedIn, signedOut } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

describe("when the session has ended (401 reauth_required)", () => {
  it('says "Your session has ended" with a sign-in link that returns to the same page', async () => {
    fakeBff({ "GET /api/session": ok(signedIn()), "GET /api/me": fail(401, "reauth_required") });
    renderApp("/profile");
    await screen.findByRole("heading", { name: "Your session has ended" });
    const signIn = screen.getByRole("link", { name: "Sign in with Microsoft" });
    expect(signIn.getAttribute("href")).toBe("/login?returnTo=%2Fprofile");
  });

  it("also shows it when /api/session itself answers reauth_required", async () => {
    fakeBff({ "GET /api/session": fail(401, "reauth_required") });
    renderApp("/");
    await screen.findByRole("heading", { name: "Your session has ended" });
  });
});

describe("when the session is gone (401 unauthenticated from /api/me)", () => {
  it("shows the signed-out page and forgets the user", async () => {
    fakeBff({ "GET /api/session": ok(signedIn(true)), "GET /api/me": fail(401, "unauthenticated") });
    const { queryClient } = renderApp("/");
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
    expect(queryClient.getQueryData(["session"])).toEqual(signedOut(true));
    expect(queryClient.getQueryData(["me"])).toBeUndefined();
  });
});

describe("when Microsoft Graph fails", () => {
  it.each([
    {
      status: 429,
      code: "rate_limited",
      retryAfter: 30,
      title: "Too many requests",
      detail: /about 30 seconds/,
    },
    {
      status: 503,
      code: "upstream_unavailable",
      title: "Microsoft Graph is unavailable",
      detail: /right now/,
    },
    { status: 502, code: "upstream_error", title: "Microsoft Graph is unavailable", detail: /right now/ },
    { status: 504, code: "upstream_timeout", title: "Microsoft Graph is taking too long", detail: /in time/ },
  ] as const)("shows an error panel for $status $code, and Retry loads the profile", async (c) => {
    const bff = fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": [fail(c.status, c.code, "retryAfter" in c ? c.retryAfter : undefined), ok(adele)],
    });
    const { user } = renderApp("/");
    const panel = await screen.findByRole("alert");
    within(panel).getByRole("heading", { name: c.title });
    within(panel).getByText(c.detail);
    within(panel).getByText(c.code);

    await user.click(within(panel).getByRole("button", { name: "Retry" }));
    await screen.findByRole("heading", { name: "Welcome, Adele" });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(bff.calls("GET /api/me")).toHaveLength(2);
  });

  it("shows an error panel when the session store is down (503 session_store_unavailable)", async () => {
    fakeBff({ "GET /api/session": [fail(503, "session_store_unavailable"), ok(signedOut())] });
    const { user } = renderApp("/");
    const panel = await screen.findByRole("alert");
    within(panel).getByRole("heading", { name: "We can't check your session right now" });
    await user.click(within(panel).getByRole("button", { name: "Retry" }));
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
  });

  it("explains an answer that is not the BFF's JSON without inventing details", async () => {
    fakeBff({ "GET /api/session": ok(signedIn()) });
    // A proxy's HTML error page in front of the BFF.
    const html = new Response("<h1>Bad gateway</h1>", {
      status: 502,
      headers: { "content-type": "text/html" },
    });
    const original = globalThis.fetch;
    globalThis.fetch = (input, init) =>
      String(input) === "/api/me" ? Promise.resolve(html) : original(input, init);
    renderApp("/");
    const panel = await screen.findByRole("alert");
    within(panel).getByRole("heading", { name: "Something went wrong" });
  });
});

describe("offline", () => {
  function goOffline(offline: boolean) {
    vi.spyOn(window.navigator, "onLine", "get").mockReturnValue(!offline);
    window.dispatchEvent(new Event(offline ? "offline" : "online"));
  }

  it("says so in a banner while the browser is offline, and drops it once back online", async () => {
    fakeBff({ "GET /api/session": ok(signedOut()) });
    renderApp("/");
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
    goOffline(true);
    await screen.findByText("You are offline.");
    goOffline(false);
    await waitFor(() => expect(screen.queryByText("You are offline.")).toBeNull());
  });

  it("shows No connection instead of the page when it starts offline, then loads once back online", async () => {
    const bff = fakeBff({ "GET /api/session": ok(signedOut()) });
    vi.spyOn(window.navigator, "onLine", "get").mockReturnValue(false);
    onlineManager.setOnline(false); // the state react-query keeps from the browser's offline event
    renderApp("/");
    await screen.findByRole("heading", { name: "No connection" });
    screen.getByText("You are offline.");
    expect(bff.requests).toHaveLength(0);

    goOffline(false);
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
  });

  it("says the server cannot be reached when fetch fails, and Retry recovers", async () => {
    fakeBff({ "GET /api/session": [networkDown, ok(signedOut())] });
    const { user } = renderApp("/");
    const panel = await screen.findByRole("alert");
    within(panel).getByRole("heading", { name: "We can't reach the server" });
    await user.click(within(panel).getByRole("button", { name: "Retry" }));
    await screen.findByRole("link", { name: "Sign in with Microsoft" });
  });
});
