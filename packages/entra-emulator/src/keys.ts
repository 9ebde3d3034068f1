import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import type { JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

/**
 * Generates a 2048-bit RSA signing key whose `kid` is derived from its RFC 7638 thumbprint
 * (27 base64url characters, like Entra's kids). Synchronous so `rotateKeys()` can be too.
 */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = rsaKeyPair();
  const jwk = publicKey.export({ format: "jwk" });
  const thumbprintInput = JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n });
  const kid = createHash("sha256").update(thumbprintInput).digest("base64url").slice(0, 27);
  return { kid, privateKey, publicKey, publicJwk: { kty: "RSA", use: "sig", kid, n: jwk.n, e: jwk.e } };
}

/**
 * The tenant's signing keys: one active key plus, after a rotation with `keepOld`, the previous key
 * still published in the JWKS (the grace period during which tokens it signed stay verifiable).
 */
export class KeyRing {
  private constructor(
    private active: SigningKey,
    private retired: SigningKey[],
  ) {}

  static create(): KeyRing {
    return new KeyRing(generateSigningKey(), []);
  }

  get current(): SigningKey {
    return this.active;
  }

  /** Every key that verifies: the active one first. */
  get published(): SigningKey[] {
    return [this.active, ...this.retired];
  }

  find(kid: string): SigningKey | undefined {
    return this.published.find((key) => key.kid === kid);
  }

  /** Makes a new key active; the previous one stays published while `keepOld` (older ones are dropped). */
  rotate(keepOld: boolean): void {
    this.retired = keepOld ? [this.active] : [];
    this.active = generateSigningKey();
  }

  /** The JWKS document served at `/discovery/v2.0/keys`; `issuer` is a field Entra adds to each key. */
  jwks(issuer: string): { keys: JWK[] } {
    return { keys: this.published.map((key) => ({ ...key.publicJwk, issuer })) };
  }
}

/**
 * A 2048-bit RSA key pair as KeyObjects that are not tied to the key-generation job. Node 20 can
 * deadlock when the garbage collector finalizes a keygen job while a KeyObject it produced is
 * being exported (both take the key's mutex): a test worker hung that way in ExportJWK. Going
 * through PEM leaves the job nothing to share with the keys we export later.
 */
export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const pair = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey: createPrivateKey(pair.privateKey), publicKey: createPublicKey(pair.publicKey) };
}
