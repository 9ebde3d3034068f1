import { statSync } from "node:fs";
import type { CertificateFacts } from "../../credentials.js";
import { isGuid } from "../../guid.js";
import { type Check, type CheckResult, result } from "../check.js";

const DAY_MS = 86_400_000;
/** Warn this long before a certificate expires. */
const EXPIRY_WARNING_DAYS = 30;

/** True when a client secret has the shape of a Secret ID (a GUID) rather than a secret Value. */
export function looksLikeSecretId(secret: string): boolean {
  return isGuid(secret.trim());
}

/**
 * The client credential is usable before Entra sees it: a secret that is not a Secret ID, or a
 * certificate that is valid today (the key pair itself is matched by loadConfig).
 */
export const checkCredential: Check = async ({ idp, now }) => {
  if (idp.credential.kind === "secret") {
    const secret = idp.credential.secret;
    if (looksLikeSecretId(secret)) {
      return result(
        "credential",
        "Client secret",
        "warn",
        "ENTRA_CLIENT_SECRET looks like a Secret ID (a GUID), not a secret Value.",
        "In Certificates & secrets → Client secrets, the Value column holds the secret (shown only right after it is created). If it is hidden now, create a new secret and copy its Value.",
      );
    }
    if (/^["'].*["']$/.test(secret)) {
      return result(
        "credential",
        "Client secret",
        "warn",
        "ENTRA_CLIENT_SECRET is wrapped in quotes that may be part of the value.",
        "Remove the surrounding quotes unless the secret itself contains them.",
      );
    }
    return result("credential", "Client secret", "pass", "ENTRA_CLIENT_SECRET is set (value not shown).");
  }
  return checkCertificate(idp.credential, now);
};

/** Judged from what loadConfig read (credentials.ts): the files are not read again. */
function checkCertificate(
  certificate: CertificateFacts & { thumbprintSha256: string },
  now: Date,
): CheckResult {
  const title = "Client certificate";
  const { validFrom, validTo, keyPath } = certificate;
  const ids = `SHA-1 thumbprint ${certificate.thumbprintSha1} (as the Entra admin center shows it), SHA-256 ${certificate.thumbprintSha256}`;
  const renew =
    "Create a new certificate (pnpm cert:create), upload the .crt under Certificates & secrets → Certificates, then point ENTRA_CLIENT_CERT_PATH and ENTRA_CLIENT_KEY_PATH at the new files.";
  if (validTo.getTime() <= now.getTime()) {
    return result(
      "credential",
      title,
      "fail",
      `The certificate expired on ${validTo.toISOString()}; ${ids}.`,
      renew,
    );
  }
  if (validFrom.getTime() > now.getTime()) {
    return result(
      "credential",
      title,
      "fail",
      `The certificate is not valid before ${validFrom.toISOString()}; ${ids}.`,
      "Check the machine's clock, or create the certificate again.",
    );
  }
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    return result(
      "credential",
      title,
      "warn",
      `The certificate expires in ${daysLeft} day(s), on ${validTo.toISOString()}; ${ids}.`,
      renew,
    );
  }
  if (!certificate.keyEncrypted && isReadableByOthers(keyPath)) {
    return result(
      "credential",
      title,
      "warn",
      `The private key ${keyPath} is unencrypted and readable by other users of this machine.`,
      `Restrict it to its owner: chmod 600 ${keyPath}`,
    );
  }
  return result(
    "credential",
    title,
    "pass",
    `The key matches the certificate, valid until ${validTo.toISOString()} (${daysLeft} days); ${ids}.`,
  );
}

function isReadableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
