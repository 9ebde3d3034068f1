import type { SessionResponse } from "@entra-bff/contracts";
import { type UseQueryResult, useQuery, useQueryClient } from "@tanstack/react-query";
import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { DemoBanner, OfflineBanner } from "./components/Banners.js";
import { ChunkErrorBoundary } from "./components/ChunkErrorBoundary.js";
import { ErrorPanel } from "./components/ErrorPanel.js";
import { Header } from "./components/Header.js";
import { PageSkeleton } from "./components/Skeleton.js";
import { useOnline } from "./lib/online.js";
import { isReauthRequired, isUnauthenticated, sessionQuery } from "./lib/queries.js";
import { usePathname } from "./lib/router.js";
import type { AssignLocation } from "./signed-in/SignOutButton.js";
import {
  AccountBar,
  Dashboard,
  Landing,
  NotFound,
  ProfilePage,
  SessionEnded,
  SessionWatch,
  SignedOutElsewhere,
  TasksPage,
} from "./views.js";

function OfflinePage() {
  return (
    <section className="card notice" aria-labelledby="offline-title">
      <h1 id="offline-title">No connection</h1>
      <p className="lead">
        This page needs the internet to load. It continues as soon as you are back online.
      </p>
    </section>
  );
}

/** Picks the page from the session state and the path. */
function Page({
  session,
  pathname,
  endedElsewhere,
}: {
  session: UseQueryResult<SessionResponse>;
  pathname: string;
  endedElsewhere: boolean;
}) {
  if (endedElsewhere) return <SignedOutElsewhere />;
  if (session.isPending) {
    // react-query pauses queries while offline rather than failing them.
    return session.fetchStatus === "paused" ? <OfflinePage /> : <PageSkeleton label="Loading…" />;
  }
  if (session.isError) {
    if (isReauthRequired(session.error)) return <SessionEnded />;
    if (isUnauthenticated(session.error)) return <Landing />;
    return (
      <ErrorPanel error={session.error} onRetry={() => session.refetch()} retrying={session.isFetching} />
    );
  }
  const data = session.data;
  if (!data.authenticated) return <Landing />;
  if (pathname === "/") return <Dashboard user={data.user} expiresAt={data.expiresAt} />;
  if (pathname === "/profile") {
    return <ProfilePage user={data.user} expiresAt={data.expiresAt} roles={data.roles} />;
  }
  if (pathname === "/tasks") return <TasksPage />;
  return <NotFound />;
}

/** Moves focus to the main region after client-side navigation, as a full page load would. */
function useFocusOnNavigation(pathname: string) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [pathname]);
  return main;
}

/** The whole SPA. `assignLocation` is where sign-out navigates (a seam for tests). */
export function App({ assignLocation }: { assignLocation?: AssignLocation }) {
  const session = useQuery(sessionQuery());
  const online = useOnline();
  const pathname = usePathname();
  const main = useFocusOnNavigation(pathname);
  const user = session.data?.authenticated ? session.data.user : null;
  const [endedElsewhere, setEndedElsewhere] = useState(false);
  // Set by SessionWatch once the session ended elsewhere (it has already forgotten the user's data).
  const onEnded = useCallback(() => setEndedElsewhere(true), []);
  const queryClient = useQueryClient();

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header>
        {user && (
          <Suspense fallback={null}>
            <AccountBar user={user} assignLocation={assignLocation} />
          </Suspense>
        )}
      </Header>
      {user && !endedElsewhere && (
        <Suspense fallback={null}>
          <SessionWatch onEnded={onEnded} queryClient={queryClient} />
        </Suspense>
      )}
      {!online && <OfflineBanner />}
      {session.data?.emulator && <DemoBanner signedIn={user !== null} />}
      <main id="main" className="page" tabIndex={-1} ref={main}>
        <ChunkErrorBoundary>
          <Suspense fallback={<PageSkeleton label="Loading…" />}>
            <Page session={session} pathname={pathname} endedElsewhere={endedElsewhere} />
          </Suspense>
        </ChunkErrorBoundary>
      </main>
      <footer className="app-footer">
        <p>
          Signed in with Microsoft Entra ID through a backend-for-frontend: tokens never reach this browser.
        </p>
      </footer>
    </>
  );
}
