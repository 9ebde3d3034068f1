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
});
