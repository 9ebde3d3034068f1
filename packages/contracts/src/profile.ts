import { type Static, Type } from "typebox";

const NullableString = Type.Union([Type.String(), Type.Null()]);

/**
 * `GET /api/me`: the Microsoft Graph `/v1.0/me` fields the SPA shows.
 * The BFF's response schema filters Graph's answer to exactly these fields.
 */
export const ProfileSchema = Type.Object(
  {
    id: Type.String(),
    displayName: NullableString,
    givenName: NullableString,
    surname: NullableString,
    jobTitle: NullableString,
    mail: NullableString,
    userPrincipalName: NullableString,
    mobilePhone: NullableString,
    businessPhones: Type.Array(Type.String()),
    officeLocation: NullableString,
    preferredLanguage: NullableString,
  },
  { additionalProperties: false },
);
export type Profile = Static<typeof ProfileSchema>;

/** The Graph `/me` fields requested with `$select` (and nothing else). */
export const PROFILE_FIELDS = [
  "id",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "mail",
  "userPrincipalName",
  "mobilePhone",
  "businessPhones",
  "officeLocation",
  "preferredLanguage",
] as const satisfies readonly (keyof Profile)[];
