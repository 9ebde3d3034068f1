import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { createQueryClient } from "./lib/queries.js";
import { TasksPage } from "./tasks/TasksPage.js";

type Handler = (method: string, path: string) => Promise<Response> | Response;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function renderTasks(handler: Handler) {
  window.history.replaceState(null, "", "/tasks?view=all");
  vi.stubGlobal("fetch", (input: string, init?: RequestInit) =>
    handler(init?.method ?? "GET", String(input)),
  );
  const client = createQueryClient({ queries: { retry: false } });
  render(
    <QueryClientProvider client={client}>
      <TasksPage />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const task = { id: "1", title: "Book the venue", done: false, createdAt: "x", updatedAt: "x" };

describe("Tasks page", () => {
  it("turns consent_required into the permission prompt whose one button comes back to this page", async () => {
    renderTasks(() =>
      json(401, {
        code: "consent_required",
        message: "m",
        loginUrl: "/login?scopes=api%3A%2F%2Fx%2FTasks.ReadWrite&returnTo=%2F",
      }),
    );
    expect(await screen.findByRole("heading", { name: "This page needs your permission" })).toBeTruthy();
    const button = screen.getByRole("link", { name: "Grant permission" });
    const href = new URL(button.getAttribute("href") ?? "", "http://localhost");
    expect(href.pathname).toBe("/login");
    expect(href.searchParams.get("scopes")).toBe("api://x/Tasks.ReadWrite");
    expect(href.searchParams.get("returnTo")).toBe("/tasks?view=all");
    expect(screen.getAllByRole("link")).toHaveLength(1);
  });

  it("never follows a loginUrl to another origin", async () => {
    renderTasks(() =>
      json(401, { code: "step_up_required", message: "m", loginUrl: "https://evil.example/login" }),
    );
    expect(await screen.findByRole("heading", { level: 1 })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "This page needs your permission" })).toBeNull();
  });

  it("shows an added task at once (optimistic), before the API answers", async () => {
    const user = renderTasks((method) =>
      method === "POST" ? new Promise<Response>(() => {}) : json(200, { tasks: [task] }),
    );
    await screen.findByText("Book the venue");
    await user.type(screen.getByLabelText("New task"), "Call the caterer");
    await user.click(screen.getByRole("button", { name: "Add" }));
    expect(screen.getByText("Call the caterer")).toBeTruthy();
  });

  it("restores the list when a change fails", async () => {
    const user = renderTasks((method) =>
      method === "DELETE"
        ? json(404, { code: "not_found", message: "No such task." })
        : json(200, { tasks: [task] }),
    );
    await screen.findByText("Book the venue");
    await user.click(screen.getByRole("button", { name: "Delete Book the venue" }));
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(screen.getByText("Book the venue")).toBeTruthy();
  });

  it("flips a checkbox in the same event it is clicked, before the API answers", async () => {
    renderTasks((method) =>
      method === "PATCH" ? new Promise<Response>(() => {}) : json(200, { tasks: [task] }),
    );
    await screen.findByText("Book the venue");
    const box = screen.getByRole<HTMLInputElement>("checkbox");
    // No await: a controlled checkbox that flips only after a promise looks unclicked to a person.
    fireEvent.click(box);
    expect(box.checked).toBe(true);
  });

  it("offers no complete or delete on a task the API has not created yet", async () => {
    const user = renderTasks((method) =>
      method === "POST" ? new Promise<Response>(() => {}) : json(200, { tasks: [] }),
    );
    await user.type(await screen.findByLabelText("New task"), "Call the caterer");
    await user.click(screen.getByRole("button", { name: "Add" }));
    expect(screen.getByRole<HTMLInputElement>("checkbox").disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Delete Call the caterer" }).disabled).toBe(
      true,
    );
  });
});
