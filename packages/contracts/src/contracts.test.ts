import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import { ProfileSchema, SessionResponseSchema } from "./index.js";

describe("SessionResponseSchema", () => {
  it("accepts a signed-in session and a signed-out one", () => {
    expect(
      Value.Check(SessionResponseSchema, {
        authenticated: true,
        user: { name: "Adele Vance", username: "adelev@contoso.com", oid: "o", tid: "t" },
        roles: ["Tasks.Admin"],
        groups: ["3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e01"],
        expiresAt: "2026-11-25T12:00:00.000Z",
        emulator: true,
      }),
    ).toBe(true);
    expect(Value.Check(SessionResponseSchema, { authenticated: false, emulator: false })).toBe(true);
  });

  it("rejects a session that carries a token", () => {
    expect(
      Value.Check(SessionResponseSchema, {
        authenticated: false,
        emulator: false,
        accessToken: "eyJ.x.y",
      }),
    ).toBe(false);
  });
});

describe("ProfileSchema", () => {
  it("rejects Graph fields the SPA does not use", () => {
    const profile = {
      id: "1",
      displayName: "A",
      givenName: null,
      surname: null,
      jobTitle: null,
      mail: null,
      userPrincipalName: null,
      mobilePhone: null,
      businessPhones: [],
      officeLocation: null,
      preferredLanguage: null,
    };
    expect(Value.Check(ProfileSchema, profile)).toBe(true);
    expect(Value.Check(ProfileSchema, { ...profile, "@odata.context": "x" })).toBe(false);
  });
});
