#!/usr/bin/env node
import { chmodSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Emulator } from "./emulator.js";
import { envLines } from "./env-lines.js";
import { startEmulator } from "./index.js";

const USAGE = `Usage: entra-emulator [--port 5001] [--host 127.0.0.1] [--config tenant.json]
                      [--redirect-uri URL]... [--post-logout-redirect-uri URL]...
                      [--https [--ca-out ca.pem]] [--print-env] [--env-file FILE]
                      [--no-control] [--log]

  --https          serve TLS with a fresh local CA (certificate for localhost, 127.0.0.1, ::1)
  --ca-out FILE    where to write that CA's certificate (default: a new temp dir; path printed)
  --print-env      print KEY=value lines for an app (ENTRA_AUTHORITY, …) on stdout, the rest on stderr
  --env-file FILE  write the same KEY=value lines to FILE (mode 600: it holds the client secret)`;

function parse(argv: string[]) {
  // `pnpm … start -- --port 5001` hands the script a literal "--" first: skip it.
  return parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : argv,
    options: {
      port: { type: "string", default: "5001" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      "post-logout-redirect-uri": { type: "string", multiple: true },
      https: { type: "boolean", default: false },
      "ca-out": { type: "string" },
      "print-env": { type: "boolean", default: false },
      "env-file": { type: "string" },
      "no-control": { type: "boolean", default: false },
      log: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
}

/** The tenants besides the home one (multi-tenant apps only). */
function others(emulator: Emulator): string {
  return emulator.tenants
    .slice(1)
    .map(
      (t) =>
        `  other tenant      ${t.displayName} ${t.id} (${t.users.map((u) => u.userPrincipalName).join(", ")})\n`,
    )
    .join("");
}

function banner(emulator: Emulator, controlApi: boolean): string {
  const host = new URL(emulator.url).host;
  const users = emulator.users.map(
    (user) =>
      `    ${user.displayName.padEnd(18)} ${user.userPrincipalName}${user.hasPhoto ? "" : "  (no photo)"}`,
  );
  const msal = emulator.caFile
    ? `${emulator.authority}  (trust the CA: NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE)`
    : `https://${host}/${emulator.tenantId}  (with authorityMetadata + knownAuthorities ["${host}"])`;
  return `Entra ID + Graph emulator listening on ${emulator.url}
  tenant            ${emulator.tenantId}
  issuer            ${emulator.issuer}
  discovery         ${emulator.discoveryUrl}
  Graph             ${emulator.graphBaseUrl}/v1.0/me
  client id         ${emulator.client.clientId}
  client secret     ${emulator.client.clientSecret}
  redirect URIs     ${emulator.client.redirectUris.join(", ")}
  MSAL authority    ${msal}
${others(emulator)}  workload issuer   ${emulator.workloadIssuer}  (tokens: POST /_emulator/workload-assertion)
  managed identity  IDENTITY_ENDPOINT=${emulator.managedIdentityEnv.IDENTITY_ENDPOINT} IDENTITY_HEADER=${emulator.managedIdentityEnv.IDENTITY_HEADER}
${emulator.caFile ? `  CA certificate    ${emulator.caFile}\n` : ""}  control API       ${controlApi ? `${emulator.url}/_emulator/*` : "off"}
  demo users (any of them can sign in, no password):
${users.join("\n")}`;
}

async function main(): Promise<void> {
  const values = parse(process.argv.slice(2));
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values["ca-out"] !== undefined && !values.https) throw new Error("--ca-out needs --https");
  const emulator = await startEmulator({
    host: values.host,
    port,
    ...(values.config ? { config: values.config } : {}),
    redirectUris: values["redirect-uri"] ?? [],
    postLogoutRedirectUris: values["post-logout-redirect-uri"] ?? [],
    controlApi: !values["no-control"],
    logger: values.log,
    https: values.https,
    ...(values["ca-out"] ? { caOut: values["ca-out"] } : {}),
  });
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  const lines = `${envLines(emulator).join("\n")}\n`;
  if (values["env-file"]) {
    try {
      writeFileSync(values["env-file"], lines, { mode: 0o600 });
      chmodSync(values["env-file"], 0o600); // `mode` applies only to a file that did not exist
    } catch (cause) {
      await emulator.close();
      throw new Error(`--env-file: cannot write ${values["env-file"]}`, { cause });
    }
  }
  // With --print-env, stdout carries only the KEY=value lines (redirect it to a file or parse it).
  const text = banner(emulator, !values["no-control"]);
  if (values["print-env"]) {
    console.error(text);
    process.stdout.write(lines);
  } else console.log(text);
}

main().catch((err: unknown) => {
  console.error(`entra-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
