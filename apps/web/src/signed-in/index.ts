// Everything only a signed-in user sees, loaded once the session says someone is signed in.
export { AccountBar } from "./AccountBar.js";
export { NotFound } from "./NotFound.js";
export { Dashboard, ProfilePage } from "./ProfileView.js";
