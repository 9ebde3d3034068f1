import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-problems.js";

/** How the BFF proves it is the app: a secret, or a certificate (recommended in production). */
export type ClientCredential =
  | { kind: "secret"; secret: string }
  | ({ kind: "certificate"; thumbprintSha256: string; privateKey: string; x5c: string } & CertificateFacts);

/** What the doctor reports about a certificate, read once when the configuration loads. */
export interface CertificateFacts {
  /** SHA-1 thumbprint, upper-case hex without colons (what the Entra admin center shows). */
  thumbprintSha1: string;
  validFrom: Date;
  validTo: Date;
  keyPath: string;
  /** The key file is protected by ENTRA_CLIENT_KEY_PASSPHRASE. */
  keyEncrypted: boolean;
}

/** The credential settings of the environment (ENTRA_CLIENT_*). */
export interface CredentialEnv {
  ENTRA_CLIENT_SECRET?: string | undefined;
  ENTRA_CLIENT_CERT_PATH?: string | undefined;
  ENTRA_CLIENT_KEY_PATH?: string | undefined;
  ENTRA_CLIENT_KEY_PASSPHRASE?: string | undefined;
}

/**
 * Loads the client credential: a secret as is, or a certificate and its key (PEM), checked to
 * be a pair. Every mistake is a ConfigError naming the setting and the fix.
 */
export function loadCredential(env: CredentialEnv): ClientCredential {
  const certPath = env.ENTRA_CLIENT_CERT_PATH;
  const keyPath = env.ENTRA_CLIENT_KEY_PATH;
  if (env.ENTRA_CLIENT_SECRET && (certPath || keyPath)) {
    throw new ConfigError(
      "ENTRA_CLIENT_SECRET",
      "set either a client secret or a certificate (ENTRA_CLIENT_CERT_PATH + ENTRA_CLIENT_KEY_PATH), not both",
    );
  }
  if (env.ENTRA_CLIENT_SECRET) return { kind: "secret", secret: env.ENTRA_CLIENT_SECRET };
  if (!certPath && !keyPath) {
    throw new ConfigError(
      "ENTRA_CLIENT_SECRET",
      "is missing: set ENTRA_CLIENT_SECRET, or ENTRA_CLIENT_CERT_PATH + ENTRA_CLIENT_KEY_PATH",
    );
  }
  if (!certPath)
    throw new ConfigError("ENTRA_CLIENT_CERT_PATH", "is missing: it goes with ENTRA_CLIENT_KEY_PATH");
  if (!keyPath)
    throw new ConfigError("ENTRA_CLIENT_KEY_PATH", "is missing: it goes with ENTRA_CLIENT_CERT_PATH");

  const certPem = readPem("ENTRA_CLIENT_CERT_PATH", certPath);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch {
    throw new ConfigError("ENTRA_CLIENT_CERT_PATH", `${certPath} is not a PEM certificate`);
  }
  const passphrase = env.ENTRA_CLIENT_KEY_PASSPHRASE;
  return {
    kind: "certificate",
    thumbprintSha256: createHash("sha256").update(certificate.raw).digest("hex").toUpperCase(),
    privateKey: matchingPrivateKey(certificate, certPath, keyPath, passphrase),
    x5c: certPem,
    thumbprintSha1: certificate.fingerprint.replaceAll(":", ""),
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    keyPath,
    keyEncrypted: Boolean(passphrase),
  };
}

/** The key as PKCS#8 PEM, once it is known to belong to the certificate. */
function matchingPrivateKey(
  certificate: X509Certificate,
  certPath: string,
  keyPath: string,
  passphrase: string | undefined,
): string {
  try {
    const key = createPrivateKey({
      key: readPem("ENTRA_CLIENT_KEY_PATH", keyPath),
      ...(passphrase ? { passphrase } : {}),
    });
    if (!certificate.checkPrivateKey(key)) {
      throw new ConfigError("ENTRA_CLIENT_KEY_PATH", `${keyPath} is not the private key of ${certPath}`);
    }
    return key.export({ format: "pem", type: "pkcs8" }).toString();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      "ENTRA_CLIENT_KEY_PATH",
      `${keyPath} is not a readable PEM private key (wrong ENTRA_CLIENT_KEY_PASSPHRASE?)`,
    );
  }
}

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new ConfigError(variable, `cannot read ${path}: check the path and file permissions`);
  }
}
