// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill
// loaded first. Only this module (imported lazily, for https) pulls it in.
import "reflect-metadata";
import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  id_ce_nameConstraints,
  NameConstraints,
} from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";

/** A throwaway CA and the loopback server certificate it signed (all PEM). */
export interface LocalTls {
  /** The CA certificate to trust (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE). Its key is never kept. */
  caCertificate: string;
  /** The server certificate, for `localhost`, `127.0.0.1` and `::1`. */
  certificate: string;
  /** The server certificate's private key. */
  privateKey: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** What the server certificate covers; the CA is name-constrained to exactly this. */
const LOOPBACK_DNS = ["localhost"];
const LOOPBACK_IPS = ["127.0.0.1", "::1"];

/**
 * A P-256 key pair as WebCrypto keys plus the private key's PEM. Generated as PEM and re-imported:
 * a KeyObject straight from generateKeyPair* can deadlock Node 20 when exported while the GC
 * finalises its job (see keys.ts); imported keys share nothing with the job.
 */
async function keyPair(): Promise<{ keys: webcrypto.CryptoKeyPair; privatePem: string }> {
  const pem = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const pkcs8 = createPrivateKey(pem.privateKey).export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(pem.publicKey).export({ type: "spki", format: "der" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, ALGORITHM, false, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", spki, ALGORITHM, true, ["verify"]);
  return { keys: { privateKey, publicKey }, privatePem: pem.privateKey };
}

/** RFC 5280 name constraints: the CA may only vouch for loopback names and addresses. */
function loopbackOnly(): x509.Extension {
  const permitted = [
    ...LOOPBACK_DNS.map((dNSName) => new GeneralName({ dNSName })),
    new GeneralName({ iPAddress: "127.0.0.0/8" }),
    new GeneralName({ iPAddress: "::1/128" }),
  ].map((base) => new GeneralSubtree({ base }));
  const value = AsnConvert.serialize(
    new NameConstraints({ permittedSubtrees: new GeneralSubtrees(permitted) }),
  );
  return new x509.Extension(id_ce_nameConstraints, true, value);
}

/**
 * Creates a fresh local CA (valid 30 days, name-constrained to loopback) and a server certificate
 * for `localhost`, `127.0.0.1` and `::1` signed by it. The CA's private key only lives in this
 * function: nothing can sign with it afterwards, so trusting its certificate trusts this one
 * server certificate only.
 */
export async function createLocalTls(now = new Date()): Promise<LocalTls> {
  const notBefore = new Date(now.getTime() - DAY_MS); // tolerate a client clock slightly behind
  const notAfter = new Date(now.getTime() + 30 * DAY_MS);
  const ca = await keyPair();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=entra-emulator local CA, O=entra-emulator (offline test only)",
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    keys: ca.keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      loopbackOnly(),
      await x509.SubjectKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const server = await keyPair();
  const serverCert = await x509.X509CertificateGenerator.create({
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    publicKey: server.keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...LOOPBACK_DNS.map((value) => ({ type: "dns" as const, value })),
        ...LOOPBACK_IPS.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(server.keys.publicKey),
    ],
  });
  return {
    caCertificate: caCert.toString("pem"),
    certificate: serverCert.toString("pem"),
    privateKey: server.privatePem,
  };
}
