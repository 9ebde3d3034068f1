import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { warningLeadMs } from "./session-watch/index.js";
import { fakeBff, ok } from "./test/fakeBff.js";
import { adele, signedIn } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

const NOW = () => new Date().toISOString();
const twoSessions = {
  sessions: [
    {
      handle: "h-this-aaaaaaaaaaaaaaaa",
      current: true,
      createdAt: NOW(),
      lastSeenAt: NOW(),
      browser: "Firefox",
      os: "Linux",
    },
    {
      handle: "h-other-bbbbbbbbbbbbbbb",
      current: false,
      createdAt: NOW(),
      lastSeenAt: NOW(),
      browser: "Chrome",
      os: "Windows",
    },
  ],
};
const alive = (inMs = 30 * 60_000) => ({
  authenticated: true,
  idleExpiresAt: new Date(Date.now() + inMs).toISOString(),
  idleTimeoutMs: 30 * 60_000,
});

describe("Your sessions on the profile page", () => {
  it("lists the sessions with This device, and signs out everywhere else", async () => {
    const bff = fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/session/state": ok(alive()),
      "GET /api/sessions": [ok(twoSessions), ok({ sessions: twoSessions.sessions.slice(0, 1) })],
      "DELETE /api/sessions": ok({ ended: 1 }),
    });
    const { user } = renderApp("/profile");
    const card = await screen.findByRole("region", { name: "Your sessions" });
    expect(await within(card).findByText("This device")).toBeTruthy();
    expect(within(card).getByText("Chrome on Windows")).toBeTruthy();
    expect(within(card).getAllByRole("button", { name: /^Sign out/ })).toHaveLength(3);
    await user.click(within(card).getByRole("button", { name: "Sign out everywhere else" }));
    await waitFor(() => expect(within(card).queryByText("Chrome on Windows")).toBeNull());
    const ended = bff.requests.find((r) => r.method === "DELETE");
    expect(ended?.path).toBe("/api/sessions");
    expect(ended?.headers.get("x-csrf")).toBe("1");
  });
});

describe("a session ended elsewhere", () => {
  it('shows "You were signed out" with Sign in again when the focus check finds no session', async () => {
    fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/session/state": [ok(alive()), ok({ authenticated: false })],
    });
    renderApp("/");
    await screen.findByRole("heading", { name: "Welcome, Adele" });
    fireEvent.focus(window);
    expect(await screen.findByRole("heading", { name: "You were signed out" })).toBeTruthy();
    expect(screen.getByRole("link", { name: /Sign in again/ }).getAttribute("href")).toBe(
      "/login?returnTo=%2F",
    );
  });
});

describe("the idle warning", () => {
  it("comes min(2 minutes, half the idle timeout) early", () => {
    expect(warningLeadMs(30 * 60_000)).toBe(120_000);
    expect(warningLeadMs(60_000)).toBe(30_000);
  });

  it('offers "Stay signed in", which touches the session and hides the warning', async () => {
    const bff = fakeBff({
      "GET /api/session": ok(signedIn()),
      "GET /api/me": ok(adele),
      "GET /api/session/state": ok(alive(60_000)),
      "POST /api/session/touch": ok(alive()),
    });
    const { user } = renderApp("/");
    const warning = await screen.findByRole("alert");
    expect(warning.textContent).toMatch(/signed out soon/);
    await user.click(within(warning).getByRole("button", { name: "Stay signed in" }));
    await waitFor(() => expect(screen.queryByText(/signed out soon/)).toBeNull());
    expect(bff.requests.some((r) => r.method === "POST" && r.path === "/api/session/touch")).toBe(true);
  });
});
