// The emulator in its own process, for every BFF instance and the bare proxy to share.
// Usage: node --import tsx emulator.ts '<json: {redirectUris, postLogoutRedirectUris}>'
// Prints {"ready":true, url, tenantId, authority, discoveryUrl, graphBaseUrl, client, users (the
// built-in ones), benchUsers} and answers IPC messages {id, signIn: authorizeUrl, username} with {id, location}
// using the library's signIn — the emulator's own account-picker driver, so the harness needs no
// knowledge of the picker form.
import { DEFAULT_CONFIG, type DemoUser, type DirectoryGroup, startEmulator } from "@entra-bff/entra-emulator";

const extra = JSON.parse(process.argv[2] ?? "{}") as {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
};

// The built-in tenant plus two users only the memory measurement signs in (so each has exactly one
// session and its per-user index holds only that one): one without groups or roles, and one in
// 200 security groups — Entra's most before the ID token carries the overage claim instead, so
// the heaviest session a `groups` claim can make.
const GROUP_COUNT = 200;
const benchGroups: DirectoryGroup[] = Array.from({ length: GROUP_COUNT }, (_, i) => ({
  id: `b3c4e5f6-0a1b-4c2d-8e3f-${(i + 1).toString(16).padStart(12, "0")}`,
  displayName: `Bench Group ${i + 1}`,
  securityEnabled: true,
}));
const benchUser = (n: number, name: string, memberOf: string[]): DemoUser => ({
  id: `b3c4e5f6-0a1b-4c2d-8e3f-a0000000000${n}`,
  displayName: `Bench ${name}`,
  givenName: "Bench",
  surname: name,
  jobTitle: null,
  mail: null,
  userPrincipalName: `Bench${name}@${DEFAULT_CONFIG.tenant.domain}`,
  mobilePhone: null,
  businessPhones: [],
  officeLocation: null,
  preferredLanguage: null,
  hasPhoto: false,
  memberOf,
});
const idleUser = benchUser(1, "Idle", []);
const groupsUser = benchUser(
  2,
  "Groups",
  benchGroups.map((g) => g.id),
);

const emulator = await startEmulator({
  host: "127.0.0.1",
  port: 0,
  config: {
    ...DEFAULT_CONFIG,
    users: [...DEFAULT_CONFIG.users, idleUser, groupsUser],
    groups: [...(DEFAULT_CONFIG.groups ?? []), ...benchGroups],
  },
  redirectUris: extra.redirectUris ?? [],
  postLogoutRedirectUris: extra.postLogoutRedirectUris ?? [],
});

process.on("message", (raw) => {
  const message = raw as { id: number; signIn: string; username: string };
  emulator.signIn(message.signIn, message.username).then(
    (location) => process.send?.({ id: message.id, location: location.toString() }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
process.once("SIGTERM", () => void emulator.close().then(() => process.exit(0)));
process.once("disconnect", () => void emulator.close().then(() => process.exit(0)));

console.log(
  JSON.stringify({
    ready: true,
    url: emulator.url,
    tenantId: emulator.tenantId,
    authority: emulator.authority,
    discoveryUrl: emulator.discoveryUrl,
    graphBaseUrl: emulator.graphBaseUrl,
    client: emulator.client,
    users: DEFAULT_CONFIG.users.map((u) => ({ upn: u.userPrincipalName, groups: u.memberOf?.length ?? 0 })),
    benchUsers: { idle: idleUser.userPrincipalName, groups: groupsUser.userPrincipalName },
  }),
);
