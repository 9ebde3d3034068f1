import { lazy } from "react";

// The first download holds only the shell (React, react-query, the loading and error states).
// The views are split by who is looking: the session answer decides which chunk to fetch.
const signedOut = () => import("./signed-out/index.js");
const signedIn = () => import("./signed-in/index.js");

export const Landing = lazy(() => signedOut().then((m) => ({ default: m.Landing })));
export const SessionEnded = lazy(() => signedOut().then((m) => ({ default: m.SessionEnded })));
export const AccountBar = lazy(() => signedIn().then((m) => ({ default: m.AccountBar })));
export const Dashboard = lazy(() => signedIn().then((m) => ({ default: m.Dashboard })));
export const ProfilePage = lazy(() => signedIn().then((m) => ({ default: m.ProfilePage })));
export const NotFound = lazy(() => signedIn().then((m) => ({ default: m.NotFound })));
export const SignedOutElsewhere = lazy(() => signedOut().then((m) => ({ default: m.SignedOutElsewhere })));
// Watching the session (event stream, focus check, idle warning) is not needed for the first paint.
export const SessionWatch = lazy(() =>
  import("./session-watch/index.js").then((m) => ({ default: m.SessionWatch })),
);
export const TasksPage = lazy(() => signedIn().then((m) => ({ default: m.TasksPage })));
