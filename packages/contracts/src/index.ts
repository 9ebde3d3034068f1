export * from "./errors.js";
export * from "./profile.js";
export * from "./session.js";
export * from "./sessions.js";

/** Header every `/api/*` call must carry; browsers cannot send it cross-site without CORS. */
export const CSRF_HEADER = "x-csrf";
export const CSRF_HEADER_VALUE = "1";
