import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeBff, ok } from "./test/fakeBff.js";
import { adele, signedIn } from "./test/fixtures.js";
import { renderApp } from "./test/renderApp.js";

describe("app roles on the profile page", () => {
  it("lists the roles /api/session returns", async () => {
    fakeBff({
      "GET /api/session": ok({ ...signedIn(), roles: ["Tasks.Admin", "Tasks.Read"] }),
      "GET /api/me": ok(adele),
    });
    renderApp("/profile");
    const card = (await screen.findByRole("heading", { level: 2, name: "Your app roles" })).closest(
      "section",
    );
    expect(card).toBeTruthy();
    const items = within(card as HTMLElement)
      .getAllByRole("listitem")
      .map((item) => item.textContent);
    expect(items).toEqual(["Tasks.Admin", "Tasks.Read"]);
  });

  it("says so when the user has no role", async () => {
    fakeBff({ "GET /api/session": ok({ ...signedIn(), roles: [] }), "GET /api/me": ok(adele) });
    renderApp("/profile");
    expect(await screen.findByText("No app roles are assigned to you for this app.")).toBeTruthy();
  });
});
