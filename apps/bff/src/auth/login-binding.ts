import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const FORMAT = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/**
 * The value of the `bff.login` cookie that binds a sign-in to the browser that started it: a
 * random value and its HMAC under a key derived from SESSION_SECRET. `/login` reuses only a
 * value that verifies, so a binding an attacker chose (planted over http, where the cookie has no
 * `__Host-` prefix) is replaced, and a callback carrying one is refused. While SESSION_SECRET
 * is rotated (several secrets, newest first) new bindings use the newest, any of them verifies.
 */
export class LoginBindings {
  readonly #keys: Buffer[];

  constructor(sessionSecrets: string | readonly string[]) {
    // A key of its own: a binding is never a valid session-cookie signature, nor the reverse.
    this.#keys = (typeof sessionSecrets === "string" ? [sessionSecrets] : sessionSecrets).map((secret) =>
      createHmac("sha256", secret).update("entra-bff login binding v1").digest(),
    );
  }

  /** A new binding value. */
  issue(): string {
    const random = randomBytes(32).toString("base64url");
    return `${random}.${this.#mac(this.#keys[0] as Buffer, random)}`;
  }

  /** The cookie value if the BFF issued it, else undefined. */
  verify(cookie: string | undefined): string | undefined {
    const match = cookie === undefined ? null : FORMAT.exec(cookie);
    if (!match) return undefined;
    const given = Buffer.from(String(match[2]));
    const valid = this.#keys.some((key) =>
      timingSafeEqual(Buffer.from(this.#mac(key, String(match[1]))), given),
    );
    return valid ? cookie : undefined;
  }

  #mac(key: Buffer, random: string): string {
    return createHmac("sha256", key).update(random).digest("base64url");
  }
}
