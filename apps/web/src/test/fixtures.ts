import type { Profile, SessionResponse } from "@entra-bff/contracts";

// Adele Vance, a Microsoft Graph demo persona (see packages/entra-emulator/reference/demo-users.json).
export const TENANT_ID = "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";

export const adele: Profile = {
  id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
  displayName: "Adele Vance",
  givenName: "Adele",
  surname: "Vance",
  jobTitle: "Product Marketing Manager",
  mail: "AdeleV@M365x214355.onmicrosoft.com",
  userPrincipalName: "AdeleV@M365x214355.onmicrosoft.com",
  mobilePhone: "+1 425 555 0199",
  businessPhones: ["+1 425 555 0109"],
  officeLocation: "18/2111",
  preferredLanguage: "en-US",
};

export const EXPIRES_AT = "2030-01-01T17:30:00.000Z";

export const signedIn = (emulator = false): SessionResponse => ({
  authenticated: true,
  user: { name: "Adele Vance", username: adele.userPrincipalName ?? "", oid: adele.id, tid: TENANT_ID },
  roles: ["Tasks.Admin"],
  groups: [],
  expiresAt: EXPIRES_AT,
  emulator,
});

export const signedOut = (emulator = false): SessionResponse => ({ authenticated: false, emulator });

/** A tiny PNG's worth of bytes: the photo content does not matter to the SPA. */
export const photoBlob = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
