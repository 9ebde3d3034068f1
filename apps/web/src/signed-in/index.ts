// Everything only a signed-in user sees, loaded once the session says someone is signed in.

// The Tasks page (a declared API behind the BFF) rides in this chunk: a chunk of its own would
// split the shared runtime out of the initial bundle.
export { TasksPage } from "../tasks/index.js";
export { AccountBar } from "./AccountBar.js";
export { NotFound } from "./NotFound.js";
export { Dashboard, ProfilePage } from "./ProfileView.js";
