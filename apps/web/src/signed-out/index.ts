// What a signed-out visitor sees, loaded only when the session says nobody is signed in.
export { Landing } from "./Landing.js";
export { SessionEnded } from "./SessionEnded.js";
export { SignedOutElsewhere } from "./SignedOutElsewhere.js";
