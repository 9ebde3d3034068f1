#!/usr/bin/env node
// `pnpm cert:create`: a self-signed certificate + private key for the app registration's
// certificate credential. Node cannot create X.509 certificates, so this drives `openssl`.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const USAGE = `Usage: pnpm cert:create [--dir certs] [--name entra-bff] [--days 365] [--subject CN=entra-bff] [--force]

Writes <dir>/<name>.crt (upload it in the Entra admin center) and <dir>/<name>.key (mode 0600).
With ENTRA_CLIENT_KEY_PASSPHRASE set, the key is encrypted with it (AES-256).`;

function fail(message) {
  console.error(`cert:create: ${message}`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      dir: { type: "string", default: "certs" },
      name: { type: "string", default: "entra-bff" },
      days: { type: "string", default: "365" },
      subject: { type: "string", default: "CN=entra-bff" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (error) {
  fail(`${error.message}\n\n${USAGE}`);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const days = Number(options.days);
// Entra accepts certificates valid for at most a few years; keep it within 2 years.
if (!Number.isInteger(days) || days < 1 || days > 730) fail("--days must be a whole number from 1 to 730");
if (!/^[A-Za-z0-9._-]{1,64}$/.test(options.name)) fail("--name may hold only letters, digits, . _ -");
if (!/^(\/?[A-Za-z]+=[^/]+)+$/.test(options.subject)) fail('--subject must look like "CN=my-app"');

if (spawnSync("openssl", ["version"], { stdio: "ignore" }).error) {
  fail(
    "openssl is not installed. Install it (Debian/Ubuntu: apt-get install openssl; macOS: brew install openssl) and run again.",
  );
}

const dir = resolve(options.dir);
const certPath = join(dir, `${options.name}.crt`);
const keyPath = join(dir, `${options.name}.key`);
if (!options.force && (existsSync(certPath) || existsSync(keyPath))) {
  fail(`${relative(process.cwd(), certPath)} or its key already exists; pass --force to replace them.`);
}
mkdirSync(dir, { recursive: true });
rmSync(keyPath, { force: true });
// Create the key file owner-only before openssl writes into it, so it is never readable by others.
closeSync(openSync(keyPath, "wx", 0o600));

const passphrase = process.env.ENTRA_CLIENT_KEY_PASSPHRASE;
// The passphrase goes through the environment, never the command line (visible in `ps`).
const keyEncryption = passphrase ? ["-passout", "env:ENTRA_CLIENT_KEY_PASSPHRASE"] : ["-noenc"];
const subject = options.subject.startsWith("/") ? options.subject : `/${options.subject}`;
try {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-sha256",
      "-days",
      String(days),
      "-subj",
      subject,
      "-keyout",
      keyPath,
      "-out",
      certPath,
      ...keyEncryption,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
} catch (error) {
  fail(`openssl failed: ${String(error.stderr ?? error.message).trim()}`);
}
chmodSync(keyPath, 0o600);

const certificate = new X509Certificate(readFileSync(certPath));
const sha1 = certificate.fingerprint.replaceAll(":", "");
const sha256 = createHash("sha256").update(certificate.raw).digest("hex").toUpperCase();
const show = (path) => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : `./${rel}`;
};

console.log(`Created a self-signed certificate (${certificate.subject.replaceAll("\n", ", ")}, valid until ${new Date(certificate.validTo).toISOString()}).

  Certificate: ${show(certPath)}
  Private key: ${show(keyPath)}   (mode 0600${passphrase ? ", encrypted with ENTRA_CLIENT_KEY_PASSPHRASE" : ""}; never share or commit it)

1. Upload ${show(certPath)} in the Entra admin center: App registrations → your app →
   Certificates & secrets → Certificates → Upload certificate.
   The portal then shows the thumbprint ${sha1} (SHA-1; SHA-256 ${sha256}).
2. Set these in .env (and remove ENTRA_CLIENT_SECRET):

ENTRA_CLIENT_CERT_PATH=${show(certPath)}
ENTRA_CLIENT_KEY_PATH=${show(keyPath)}${passphrase ? "\nENTRA_CLIENT_KEY_PASSPHRASE=<the passphrase you used>" : ""}

3. Check it: pnpm run doctor`);
