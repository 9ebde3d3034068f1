import type { SessionUser } from "@entra-bff/contracts";
import { Link } from "../lib/router.js";
import { type AssignLocation, SignOutButton } from "./SignOutButton.js";

interface AccountBarProps {
  user: SessionUser;
  assignLocation?: AssignLocation | undefined;
}

/** The signed-in part of the app bar: navigation, who is signed in, and Sign out. */
export function AccountBar({ user, assignLocation }: AccountBarProps) {
  return (
    <>
      <nav aria-label="Main" className="main-nav">
        <Link href="/">Overview</Link>
        <Link href="/profile">Profile</Link>
        <Link href="/tasks">Tasks</Link>
      </nav>
      <div className="account">
        <span className="account-name" title={user.username}>
          {user.name}
        </span>
        <SignOutButton assign={assignLocation} />
      </div>
    </>
  );
}
