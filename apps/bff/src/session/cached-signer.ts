import { Signer } from "@fastify/cookie";
import { LRUCache } from "lru-cache";

type UnsignResult = ReturnType<Signer["unsign"]>;

/**
 * @fastify/cookie's HMAC signer with a bounded memo of cookies it has already verified.
 * The session reader verifies the cookie on every request (and @fastify/session, at sign-in, signs
 * ids); an HMAC per request is a fixed cost on the hot path. A memo entry maps the exact signed string to its id, so
 * a tampered or foreign cookie is never found in it and still goes through the real HMAC check.
 * Whether the session still exists is the store's business, not the signer's.
 *
 * With several secrets (rotation, newest first) a verified entry keeps whether an older secret
 * signed it, and only a signature by the newest secret is ever handed out again by `sign`: a
 * cookie re-issued for a session first seen under an old secret is signed with the new one.
 * @see https://github.com/fastify/fastify-cookie#signer
 */
export function cachedSigner(
  secrets: string | readonly string[],
  maxEntries = 50_000,
): Pick<Signer, "sign" | "unsign"> {
  const signer = new Signer(typeof secrets === "string" ? secrets : [...secrets], "sha256");
  const verified = new LRUCache<string, { id: string; renew: boolean }>({ max: maxEntries });
  const signedById = new LRUCache<string, string>({ max: maxEntries });

  return {
    sign(value: string): string {
      const known = signedById.get(value);
      if (known !== undefined) return known;
      const signed = signer.sign(value);
      signedById.set(value, signed);
      verified.set(signed, { id: value, renew: false });
      return signed;
    },
    unsign(input: string): UnsignResult {
      const hit = verified.get(input);
      if (hit !== undefined) return { valid: true, renew: hit.renew, value: hit.id };
      const result = signer.unsign(input);
      if (result.valid && typeof result.value === "string") {
        verified.set(input, { id: result.value, renew: result.renew });
        if (!result.renew) signedById.set(result.value, input);
      }
      return result;
    },
  };
}
