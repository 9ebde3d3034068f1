import type { Emulator } from "./emulator.js";

/** Characters a POSIX shell (and dotenv parsers) read literally outside quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A value as a shell word: bare when safe, else single-quoted (`'` written as `'\''`). */
export function shellValue(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * What an MSAL (or any OIDC) app needs to talk to this emulator, as `KEY=value` lines without
 * `export`: the authority with the tenant, its origin (what the BFF takes), the tenant, the default
 * client and its secret, Graph's origin, and with https the CA file for Node and for Python.
 */
export function envLines(emulator: Emulator): string[] {
  const entries: [string, string | undefined][] = [
    ["ENTRA_AUTHORITY", emulator.authority],
    ["ENTRA_AUTHORITY_HOST", emulator.url],
    ["ENTRA_TENANT_ID", emulator.tenantId],
    ["ENTRA_CLIENT_ID", emulator.client.clientId],
    ["ENTRA_CLIENT_SECRET", emulator.client.clientSecret],
    ["GRAPH_BASE_URL", emulator.graphBaseUrl],
    ["NODE_EXTRA_CA_CERTS", emulator.caFile],
    ["REQUESTS_CA_BUNDLE", emulator.caFile],
  ];
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${shellValue(value)}`);
}
