import { Signer } from "@fastify/cookie";
import { LRUCache } from "lru-cache";

type UnsignResult = ReturnType<Signer["unsign"]>;

/**
 * @fastify/cookie's HMAC signer with a bounded memo of cookies it has already verified.
 * @fastify/session verifies the cookie and signs the id again on every request; both HMACs are a
 * fixed cost per request on the hot path. A memo entry maps the exact signed string to its id, so
 * a tampered or foreign cookie is never found in it and still goes through the real HMAC check.
 * Whether the session still exists is the store's business, not the signer's.
 * @see https://github.com/fastify/fastify-cookie#signer
 */
export function cachedSigner(secret: string, maxEntries = 50_000): Pick<Signer, "sign" | "unsign"> {
  const signer = new Signer(secret, "sha256");
  const idBySigned = new LRUCache<string, string>({ max: maxEntries });
  const signedById = new LRUCache<string, string>({ max: maxEntries });

  function remember(id: string, signed: string): void {
    idBySigned.set(signed, id);
    signedById.set(id, signed);
  }

  return {
    sign(value: string): string {
      const known = signedById.get(value);
      if (known !== undefined) return known;
      const signed = signer.sign(value);
      remember(value, signed);
      return signed;
    },
    unsign(input: string): UnsignResult {
      const id = idBySigned.get(input);
      if (id !== undefined) return { valid: true, renew: false, value: id };
      const result = signer.unsign(input);
      if (result.valid && typeof result.value === "string") remember(result.value, input);
      return result;
    },
  };
}
