import { SessionEventName, type SessionResponse } from "@entra-bff/contracts";
import type { QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { getJson, send } from "../lib/api.js";
import { isReauthRequired, sessionQuery } from "../lib/queries.js";
import { shareSessionEvents } from "./leader.js";

interface SessionState {
  authenticated: boolean;
  idleExpiresAt?: string;
  idleTimeoutMs?: number;
}

const fetchState = () => getJson<SessionState>("/api/session/state");
const touch = async () =>
  (await (await send("/api/session/touch", { method: "POST" })).json()) as SessionState;

/** How long before the idle timeout the warning shows: min(2 minutes, half the timeout). */
export function warningLeadMs(idleTimeoutMs: number): number {
  return Math.min(120_000, idleTimeoutMs / 2);
}

/**
 * Marks the session signed out and forgets the user's data, then calls `done`. A profile call in
 * flight may be the very request that ended the session (reauth_required): it is heard out first,
 * and then "Your session has ended" stays, which says more.
 */
function endedElsewhere(queryClient: QueryClient, done: () => void): void {
  const decide = () => {
    const profile = queryClient.getQueryCache().findAll({ queryKey: ["me"] });
    if (profile.some((query) => isReauthRequired(query.state.error))) return;
    const previous = queryClient.getQueryData<SessionResponse>(sessionQuery().queryKey);
    queryClient.setQueryData<SessionResponse>(sessionQuery().queryKey, {
      authenticated: false,
      emulator: previous?.emulator ?? false,
    });
    queryClient.removeQueries({ queryKey: ["me"] });
    done();
  };
  if (queryClient.isFetching({ queryKey: ["me"] }) === 0) {
    decide();
    return;
  }
  const unsubscribe = queryClient.getQueryCache().subscribe(() => {
    if (queryClient.isFetching({ queryKey: ["me"] }) > 0) return;
    unsubscribe();
    decide();
  });
}

/**
 * Watches a signed-in session without keeping it alive: one event stream per browser (see
 * leader.ts), a check when the tab regains focus, and a warning before the idle timeout with
 * "Stay signed in". Loaded lazily, after sign-in, so the first download stays small.
 */
export function SessionWatch({ onEnded, queryClient }: { onEnded: () => void; queryClient: QueryClient }) {
  const [warning, setWarning] = useState(false);
  const [staying, setStaying] = useState(false);
  const ended = useRef(() => {});
  ended.current = () => endedElsewhere(queryClient, onEnded);
  const timers = useRef<number[]>([]);
  const apply = useRef<(state: SessionState) => void>(() => {});

  apply.current = (state) => {
    for (const timer of timers.current.splice(0)) window.clearTimeout(timer);
    if (!state.authenticated) {
      ended.current();
      return;
    }
    if (!state.idleExpiresAt || !state.idleTimeoutMs) return;
    const end = Date.parse(state.idleExpiresAt);
    const warnIn = end - warningLeadMs(state.idleTimeoutMs) - Date.now();
    setWarning(warnIn <= 0);
    // At warning time look again first: another tab may have kept the session alive meanwhile.
    if (warnIn > 0) timers.current.push(window.setTimeout(() => void check(true), warnIn));
    timers.current.push(window.setTimeout(() => void check(false), Math.max(0, end - Date.now()) + 1000));
  };
  const check = async (warnIfDue: boolean) => {
    try {
      const state = await fetchState();
      apply.current(state);
      if (warnIfDue && state.authenticated) {
        const lead = warningLeadMs(state.idleTimeoutMs ?? 0);
        if (Date.parse(state.idleExpiresAt ?? "") - Date.now() <= lead) setWarning(true);
      }
    } catch {
      // Offline or a 5xx: the next focus or stream event looks again.
    }
  };

  useEffect(() => {
    const leadership = shareSessionEvents(
      (message) => {
        if (message.type === "ended") ended.current();
      },
      (announce) => {
        // Without EventSource (old browsers, test DOMs) the focus check is all there is.
        if (typeof EventSource !== "function") return () => {};
        const source = new EventSource("/api/session/events");
        source.addEventListener(SessionEventName.Ended, () => {
          source.close();
          announce({ type: "ended" });
        });
        // A refused stream (401: the session is gone) is not retried by EventSource: look.
        source.addEventListener("error", () => {
          if (source.readyState === EventSource.CLOSED) void check(false);
        });
        return () => source.close();
      },
    );
    const onFocus = () => void check(false);
    const onVisible = () => {
      if (document.visibilityState === "visible") void check(false);
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    void check(false);
    return () => {
      leadership.stop();
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
      for (const timer of timers.current.splice(0)) window.clearTimeout(timer);
    };
  }, []);

  if (!warning) return null;
  return (
    <div className="banner idle-warning" role="alert">
      <span>You will be signed out soon because you have been inactive.</span>{" "}
      <button
        type="button"
        className="button primary"
        aria-disabled={staying}
        onClick={async () => {
          if (staying) return;
          setStaying(true);
          try {
            apply.current(await touch());
          } catch {
            void check(false);
          } finally {
            setStaying(false);
          }
        }}
      >
        Stay signed in
      </button>
    </div>
  );
}
