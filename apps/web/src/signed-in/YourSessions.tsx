import type { SessionSummary } from "@entra-bff/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime, formatRelative } from "../lib/format.js";
import { MutationButton } from "./MutationButton.js";
import type { AssignLocation } from "./SignOutButton.js";
import { endOtherSessions, endSession, fetchSessions } from "./sessions-api.js";

const sessionsKey = ["me", "sessions"] as const;
const assignWindowLocation: AssignLocation = (url) => window.location.assign(url);

function SessionRow({ session, assign }: { session: SessionSummary; assign: AssignLocation }) {
  const queryClient = useQueryClient();
  const end = useMutation({
    mutationFn: () => endSession(session.handle),
    onSuccess(result) {
      if ("logoutUrl" in result) {
        queryClient.clear();
        assign(result.logoutUrl);
        return;
      }
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
  return (
    <li className="session-row">
      <div>
        <strong>
          {session.browser} on {session.os}
        </strong>{" "}
        {session.current && <span className="badge">This device</span>}
        <p className="muted small">
          Signed in <time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time> · last
          active {formatRelative(session.lastSeenAt)}
        </p>
      </div>
      <MutationButton
        mutation={end}
        className="button secondary"
        label={`Sign out ${session.current ? "this device" : `${session.browser} on ${session.os}`}`}
        pendingText="Signing out…"
        errorText="Could not sign that session out. Try again."
      >
        Sign out
      </MutationButton>
    </li>
  );
}

/** "Your sessions": every browser signed in as this user, each with its own Sign out. */
export function YourSessions({ assign = assignWindowLocation }: { assign?: AssignLocation }) {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: ({ signal }) => fetchSessions(signal) });
  const others = useMutation({
    mutationFn: endOtherSessions,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
  const list = sessions.data?.sessions ?? [];
  return (
    <section className="card sessions-card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Your sessions</h2>
      {sessions.isPending && <p className="muted">Loading your sessions…</p>}
      {sessions.isError && (
        <p role="alert" className="inline-error">
          Your sessions could not be loaded.
        </p>
      )}
      <ul className="session-list">
        {list.map((session) => (
          <SessionRow key={session.handle} session={session} assign={assign} />
        ))}
      </ul>
      {list.some((s) => !s.current) && (
        <p className="actions">
          <MutationButton
            mutation={others}
            pendingText="Signing out…"
            errorText="Sign-out failed. Try again."
          >
            Sign out everywhere else
          </MutationButton>
        </p>
      )}
    </section>
  );
}
