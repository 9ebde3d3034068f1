import { type Static, Type } from "typebox";

export const SessionUserSchema = Type.Object(
  {
    name: Type.String(),
    username: Type.String(),
    oid: Type.String(),
    tid: Type.String(),
  },
  { additionalProperties: false },
);
export type SessionUser = Static<typeof SessionUserSchema>;

/** `GET /api/session`. Never carries a token. */
export const SessionResponseSchema = Type.Union([
  Type.Object(
    {
      authenticated: Type.Literal(true),
      user: SessionUserSchema,
      /** ISO 8601: when the session ends at the latest (absolute lifetime). */
      expiresAt: Type.String(),
      /** True when the BFF runs against the local Entra ID emulator. */
      emulator: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      authenticated: Type.Literal(false),
      emulator: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
]);
export type SessionResponse = Static<typeof SessionResponseSchema>;

/** `POST /logout`: where the SPA navigates next (Entra's end-session endpoint). */
export const LogoutResponseSchema = Type.Object(
  { logoutUrl: Type.String() },
  { additionalProperties: false },
);
export type LogoutResponse = Static<typeof LogoutResponseSchema>;
