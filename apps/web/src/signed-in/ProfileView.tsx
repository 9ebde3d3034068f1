import type { Profile, SessionUser } from "@entra-bff/contracts";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorPanel } from "../components/ErrorPanel.js";
import { PageSkeleton } from "../components/Skeleton.js";
import { firstName, formatDateTime, formatRelative } from "../lib/format.js";
import { isReauthRequired, isUnauthenticated } from "../lib/queries.js";
import { Link } from "../lib/router.js";
import { useDocumentTitle } from "../lib/title.js";
import { SessionEnded } from "../signed-out/SessionEnded.js";
import { Avatar } from "./Avatar.js";
import { IdentityDetails, ProfileFields } from "./ProfileFields.js";
import { profileQuery } from "./queries.js";
import { RolesCard } from "./RolesCard.js";
import { YourSessions } from "./YourSessions.js";

interface SignedInProps {
  user: SessionUser;
  expiresAt: string;
}

/** Loads `/api/me` and hands the profile to `children`, or shows the loading, ended or error state. */
function WithProfile({ children }: { children: (profile: Profile) => ReactNode }) {
  const profile = useQuery(profileQuery());
  if (profile.isPending) return <PageSkeleton label="Loading your profile…" />;
  if (profile.isError) {
    if (isReauthRequired(profile.error)) return <SessionEnded />;
    // The query cache has already marked the session signed out; the landing page is on its way.
    if (isUnauthenticated(profile.error)) return <PageSkeleton label="Signing you out…" />;
    return (
      <ErrorPanel error={profile.error} onRetry={() => profile.refetch()} retrying={profile.isFetching} />
    );
  }
  return children(profile.data);
}

function ProfileCard({ profile, user }: { profile: Profile; user: SessionUser }) {
  const name = profile.displayName ?? user.name;
  return (
    <section className="card profile-card" aria-labelledby="profile-name">
      <div className="profile-head">
        <Avatar name={name} />
        <div>
          <h2 id="profile-name">{name}</h2>
          <p className="job-title">{profile.jobTitle ?? <span className="muted">No job title</span>}</p>
          <p className="muted">{profile.mail ?? profile.userPrincipalName}</p>
        </div>
      </div>
      <ProfileFields profile={profile} />
      <IdentityDetails profile={profile} tenantId={user.tid} />
    </section>
  );
}

function SessionCard({ user, expiresAt }: SignedInProps) {
  return (
    <section className="card session-card" aria-labelledby="session-title">
      <h2 id="session-title">Your session</h2>
      <dl className="fields">
        <div className="field">
          <dt>Signed in as</dt>
          <dd>{user.username || user.name}</dd>
        </div>
        <div className="field">
          <dt>Session expires</dt>
          <dd>
            <time dateTime={expiresAt}>{formatDateTime(expiresAt)}</time>{" "}
            <span className="muted">({formatRelative(expiresAt)})</span>
          </dd>
        </div>
      </dl>
      <p className="muted small">
        Your tokens are kept on the server. This browser only holds an HttpOnly session cookie.
      </p>
    </section>
  );
}

/** `/` signed in: a greeting, the Graph profile and the session. */
export function Dashboard({ user, expiresAt }: SignedInProps) {
  useDocumentTitle("Overview");
  return (
    <WithProfile>
      {(profile) => (
        <>
          <header className="page-head">
            <h1>Welcome, {firstName(profile.displayName, profile.givenName)}</h1>
            <p className="muted">Here is what Microsoft Graph knows about you.</p>
          </header>
          <div className="grid">
            <ProfileCard profile={profile} user={user} />
            <SessionCard user={user} expiresAt={expiresAt} />
          </div>
        </>
      )}
    </WithProfile>
  );
}

/** `/profile`: the full profile on its own page, the target of deep links. */
export function ProfilePage({ user, expiresAt, roles }: SignedInProps & { roles: string[] }) {
  useDocumentTitle("Profile");
  return (
    <WithProfile>
      {(profile) => {
        const name = profile.displayName ?? user.name;
        return (
          <>
            <header className="page-head profile-page-head">
              <Avatar name={name} />
              <div>
                <h1>{name}</h1>
                <p className="job-title">{profile.jobTitle ?? <span className="muted">No job title</span>}</p>
              </div>
            </header>
            <div className="grid">
              <section className="card" aria-labelledby="contact-title">
                <h2 id="contact-title">Contact</h2>
                <ProfileFields profile={profile} />
                <IdentityDetails profile={profile} tenantId={user.tid} />
              </section>
              <SessionCard user={user} expiresAt={expiresAt} />
              <YourSessions />
              <RolesCard roles={roles} />
            </div>
            <p className="back-link">
              <Link href="/">← Back to overview</Link>
            </p>
          </>
        );
      }}
    </WithProfile>
  );
}
