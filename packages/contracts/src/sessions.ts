import { type Static, Type } from "typebox";

/** One of the user's live sessions in `GET /api/sessions`. `handle` is opaque: never a cookie. */
export const SessionSummarySchema = Type.Object(
  {
    handle: Type.String(),
    /** True for the session this request was made with ("This device"). */
    current: Type.Boolean(),
    /** ISO 8601. */
    createdAt: Type.String(),
    /** ISO 8601, updated at most once a minute. */
    lastSeenAt: Type.String(),
    /** Browser and OS names parsed from the User-Agent at sign-in ("Unknown" when unrecognised). */
    browser: Type.String(),
    os: Type.String(),
  },
  { additionalProperties: false },
);
export type SessionSummary = Static<typeof SessionSummarySchema>;

/** `GET /api/sessions`: newest first. */
export const SessionListSchema = Type.Object(
  { sessions: Type.Array(SessionSummarySchema) },
  { additionalProperties: false },
);
export type SessionList = Static<typeof SessionListSchema>;

/** `DELETE /api/sessions/{handle}` or `?others=true` when the current session stays. */
export const SessionsEndedSchema = Type.Object(
  { ended: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type SessionsEnded = Static<typeof SessionsEndedSchema>;

/** Server-Sent Event names of `GET /api/session/events`. */
export const SessionEventName = { Ended: "session-ended", Heartbeat: "heartbeat" } as const;
