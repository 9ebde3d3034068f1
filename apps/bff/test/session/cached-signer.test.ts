import { Signer } from "@fastify/cookie";
import { describe, expect, it } from "vitest";
import { cachedSigner } from "../../src/session/cached-signer.js";

const SECRET = "a-test-session-secret-that-is-long-enough-0123456789";

describe("cachedSigner", () => {
  it("signs exactly like @fastify/cookie's Signer, so existing cookies stay valid", () => {
    const reference = new Signer(SECRET, "sha256");
    const signer = cachedSigner(SECRET);
    expect(signer.sign("session-id-1")).toBe(reference.sign("session-id-1"));
    expect(signer.unsign(reference.sign("session-id-2"))).toMatchObject({
      valid: true,
      value: "session-id-2",
    });
  });

  it("still rejects a tampered cookie after the genuine one was verified and remembered", () => {
    const signer = cachedSigner(SECRET);
    const genuine = signer.sign("session-id");
    expect(signer.unsign(genuine)).toMatchObject({ valid: true, value: "session-id" });
    const [id, mac] = genuine.split(".") as [string, string];
    for (const forged of [
      `${id}.${mac.slice(0, -1)}A`,
      `other-id.${mac}`,
      `${id}x.${mac}`,
      id,
      `${genuine}.`,
      new Signer("another-secret-that-is-long-enough-0123456789", "sha256").sign("session-id"),
    ]) {
      expect(signer.unsign(forged).valid, forged).toBe(false);
    }
  });

  it("stays bounded: forgotten entries are verified again, not trusted", () => {
    const signer = cachedSigner(SECRET, 2);
    const first = signer.sign("a");
    signer.sign("b");
    signer.sign("c"); // evicts "a"
    expect(signer.unsign(first)).toMatchObject({ valid: true, value: "a" });
  });

  describe("with several secrets (rotation, newest first)", () => {
    const NEW = "the-new-session-secret-that-is-long-enough-0123";
    const old = new Signer(SECRET, "sha256");
    const newest = new Signer(NEW, "sha256");

    it("signs with the newest secret and still accepts, and flags for renewal, the older one's cookies", () => {
      const signer = cachedSigner([NEW, SECRET]);
      expect(signer.sign("fresh")).toBe(newest.sign("fresh"));
      const legacy = old.sign("legacy");
      expect(signer.unsign(legacy)).toEqual({ valid: true, renew: true, value: "legacy" });
      // Remembered, and still flagged: the memo must not forget which secret signed it.
      expect(signer.unsign(legacy)).toEqual({ valid: true, renew: true, value: "legacy" });
      expect(signer.unsign(newest.sign("fresh"))).toEqual({ valid: true, renew: false, value: "fresh" });
    });

    it("re-signs a session first seen under the old secret with the newest one", () => {
      const signer = cachedSigner([NEW, SECRET]);
      expect(signer.unsign(old.sign("legacy")).valid).toBe(true);
      // @fastify/session signs the id again to set the cookie: it must not get the old signature back.
      expect(signer.sign("legacy")).toBe(newest.sign("legacy"));
    });

    it("rejects a cookie signed by a retired secret", () => {
      expect(cachedSigner([NEW]).unsign(old.sign("legacy")).valid).toBe(false);
    });
  });
});
