// The emulator in its own process, for every BFF instance and the bare proxy to share.
// Usage: node --import tsx emulator.ts '<json: {redirectUris, postLogoutRedirectUris}>'
// Prints {"ready":true, url, authority, discoveryUrl, graphBaseUrl, client, users} and answers IPC
// messages {id, signIn: authorizeUrl, username} with {id, location} using the library's signIn —
// the emulator's own account-picker driver, so the harness needs no knowledge of the picker form.
import { startEmulator } from "@entra-bff/entra-emulator";

const extra = JSON.parse(process.argv[2] ?? "{}") as {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
};
const emulator = await startEmulator({
  host: "127.0.0.1",
  port: 0,
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
    users: emulator.users.map((u) => u.userPrincipalName),
  }),
);
