import type { QueryClient } from "@tanstack/react-query";
import { QueryClientProvider } from "@tanstack/react-query";
import { type RenderResult, render } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { type Mock, vi } from "vitest";
import { App } from "../App.js";
import { createQueryClient } from "../lib/queries.js";

/**
 * Renders the whole SPA at `path` with a fresh QueryClient (no retries, so errors show at once).
 * `assign` records where sign-out sends the browser.
 */
export function renderApp(path = "/"): RenderResult & {
  user: UserEvent;
  assign: Mock<(url: string) => void>;
  queryClient: QueryClient;
} {
  window.history.replaceState(null, "", path);
  const queryClient = createQueryClient({ queries: { retry: false } });
  const assign = vi.fn<(url: string) => void>();
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={queryClient}>
      <App assignLocation={assign} />
    </QueryClientProvider>,
  );
  return { ...view, user, assign, queryClient };
}
