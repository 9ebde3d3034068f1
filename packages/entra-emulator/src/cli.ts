#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startEmulator } from "./index.js";

const USAGE = `Usage: entra-emulator [--port 5001] [--host 127.0.0.1] [--config tenant.json]
                      [--redirect-uri URL]... [--post-logout-redirect-uri URL]... [--no-control] [--log]`;

async function main(): Promise<void> {
  // `pnpm … start -- --port 5001` hands the script a literal "--" first: skip it.
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : argv,
    options: {
      port: { type: "string", default: "5001" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      "post-logout-redirect-uri": { type: "string", multiple: true },
      "no-control": { type: "boolean", default: false },
      log: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  const emulator = await startEmulator({
    host: values.host,
    port,
    ...(values.config ? { config: values.config } : {}),
    redirectUris: values["redirect-uri"] ?? [],
    postLogoutRedirectUris: values["post-logout-redirect-uri"] ?? [],
    controlApi: !values["no-control"],
    logger: values.log,
  });
  const host = new URL(emulator.url).host;
  console.log(`Entra ID + Graph emulator listening on ${emulator.url}
  tenant            ${emulator.tenantId}
  issuer            ${emulator.issuer}
  discovery         ${emulator.discoveryUrl}
  Graph             ${emulator.graphBaseUrl}/v1.0/me
  client id         ${emulator.client.clientId}
  client secret     ${emulator.client.clientSecret}
  redirect URIs     ${emulator.client.redirectUris.join(", ")}
  MSAL authority    https://${host}/${emulator.tenantId}  (with authorityMetadata + knownAuthorities ["${host}"])
  control API       ${values["no-control"] ? "off" : `${emulator.url}/_emulator/*`}
  demo users (any of them can sign in, no password):`);
  for (const user of emulator.users) {
    console.log(
      `    ${user.displayName.padEnd(18)} ${user.userPrincipalName}${user.hasPhoto ? "" : "  (no photo)"}`,
    );
  }
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`entra-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
