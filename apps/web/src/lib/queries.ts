import type { SessionResponse } from "@entra-bff/contracts";
import { ErrorCode } from "@entra-bff/contracts";
import { QueryCache, QueryClient, type QueryClientConfig, queryOptions } from "@tanstack/react-query";
import { ApiRequestError, fetchSession } from "./api.js";

/** Query keys and fetchers, kept together (the signed-in ones are in signed-in/queries.ts). */
export const sessionQuery = () =>
  queryOptions({ queryKey: ["session"], queryFn: ({ signal }) => fetchSession(signal), staleTime: 60_000 });

const MAX_RETRIES = 2;

/**
 * Retry only what may heal by itself: network failures and 5xx, at most twice.
 * 4xx never (401 above all: retrying cannot sign anyone in; 429 says when to come back).
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  if (error instanceof ApiRequestError) return error.status >= 500;
  return true;
}

/** True when the BFF says the session's refresh token is dead and the user must sign in again. */
export function isReauthRequired(error: unknown): boolean {
  return error instanceof ApiRequestError && error.code === ErrorCode.ReauthRequired;
}

/** True when the BFF has no session for this browser (never signed in, signed out or expired). */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiRequestError && error.code === ErrorCode.Unauthenticated;
}

/**
 * The app's QueryClient. A 401 `unauthenticated` from any API call means the session is gone:
 * mark the cached session as signed out (the signed-out page follows) and drop the user's data.
 * `overrides` lets tests turn retries off.
 */
export function createQueryClient(overrides: QueryClientConfig["defaultOptions"] = {}): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        if (!isUnauthenticated(error) || query.queryKey[0] === "session") return;
        const previous = client.getQueryData<SessionResponse>(sessionQuery().queryKey);
        client.setQueryData<SessionResponse>(sessionQuery().queryKey, {
          authenticated: false,
          emulator: previous?.emulator ?? false,
        });
        client.removeQueries({ queryKey: ["me"] });
      },
    }),
    defaultOptions: {
      ...overrides,
      queries: {
        retry: shouldRetry,
        refetchOnWindowFocus: true,
        ...overrides.queries,
      },
    },
  });
  return client;
}
