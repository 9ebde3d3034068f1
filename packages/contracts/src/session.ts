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
      /** App role values assigned to the user (the ID token's `roles`), as of the last sign-in or refresh. */
      roles: Type.Array(Type.String()),
      /**
       * Security group object ids (the `groups` claim, or Graph after a groups overage), limited to
       * ENTRA_GROUPS_FILTER when it is set.
       */
      groups: Type.Array(Type.String()),
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
