import { createHmac, createPublicKey, type JsonWebKey } from "node:crypto";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_ID_TOKEN_KINDS, type HostileIdTokenKind } from "../src/index.js";
import { emulatorForFile } from "./helpers/emulator.js";
import { refresh, signInTokens } from "./helpers/oauth.js";

const emulator = emulatorForFile({}, { resetAfterEach: true });
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  const doc = (await (await fetch(`${emulator.authority}/discovery/v2.0/keys`)).json()) as JSONWebKeySet;
  jwks = createLocalJWKSet(doc);
});

/** What a correct relying party (OIDC Core 3.1.3.7) checks; returns the first failure or "ok". */
async function validate(idToken: string, nonce: string | undefined = "nonce-456"): Promise<string> {
  try {
    const { payload } = await jwtVerify(idToken, jwks, {
      algorithms: ["RS256"],
      issuer: emulator.issuer,
      audience: emulator.client.clientId,
    });
    if (payload.tid !== emulator.tenantId) return "tid";
    if (Array.isArray(payload.aud) && !payload.aud.includes(emulator.client.clientId)) return "aud";
    if (payload.nonce !== nonce) return "nonce";
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? "error";
  }
}

describe("issueHostileIdToken", () => {
  it("issues honest ID tokens that a strict validator accepts", async () => {
    const tokens = await signInTokens(emulator);
    expect(await validate(tokens.id_token)).toBe("ok");
  });

  const expectations: Record<HostileIdTokenKind, (token: string) => void | Promise<void>> = {
    "wrong-signature": () => {},
    "unknown-kid": (t) => {
      expect(decodeProtectedHeader(t).kid).toBeTruthy();
    },
    "alg-none": (t) => {
      expect(decodeProtectedHeader(t).alg).toBe("none");
      expect(t.endsWith(".")).toBe(true);
    },
    "hs256-public-key": async (t) => {
      expect(decodeProtectedHeader(t).alg).toBe("HS256");
      // A naive validator that HMACs with the published key's PEM would accept it: that is the attack.
      const doc = (await (await fetch(`${emulator.authority}/discovery/v2.0/keys`)).json()) as JSONWebKeySet;
      const pem = createPublicKey({ key: doc.keys[0] as JsonWebKey, format: "jwk" }).export({
        format: "pem",
        type: "spki",
      });
      const [h, p, sig] = t.split(".");
      expect(createHmac("sha256", pem.toString()).update(`${h}.${p}`).digest("base64url")).toBe(sig);
    },
    "wrong-iss": (t) => {
      expect(decodeJwt(t).iss).not.toBe(emulator.issuer);
    },
    "wrong-aud": (t) => {
      expect(decodeJwt(t).aud).not.toBe(emulator.client.clientId);
    },
    "aud-array-without-client": (t) => {
      const aud = decodeJwt(t).aud;
      expect(Array.isArray(aud) && !aud.includes(emulator.client.clientId)).toBe(true);
    },
    "wrong-tid": (t) => {
      expect(decodeJwt(t).tid).not.toBe(emulator.tenantId);
    },
    expired: (t) => {
      expect(Number(decodeJwt(t).exp)).toBeLessThan(Date.now() / 1000);
    },
    "nbf-future": (t) => {
      expect(Number(decodeJwt(t).nbf)).toBeGreaterThan(Date.now() / 1000);
    },
    "missing-nonce": (t) => {
      expect(decodeJwt(t).nonce).toBeUndefined();
    },
    "wrong-nonce": (t) => {
      expect(decodeJwt(t).nonce).not.toBe("nonce-456");
    },
  };

  it.each(HOSTILE_ID_TOKEN_KINDS)("%s: the next ID token fails strict validation", async (kind) => {
    emulator.issueHostileIdToken(kind);
    const tokens = await signInTokens(emulator);
    await expectations[kind](tokens.id_token);
    expect(await validate(tokens.id_token)).not.toBe("ok");
  });

  it("affects only the next token response (the refresh after it is honest again)", async () => {
    emulator.issueHostileIdToken("wrong-signature");
    const tokens = await signInTokens(emulator);
    expect(await validate(tokens.id_token)).not.toBe("ok");
    const refreshed = await refresh(emulator, tokens.refresh_token);
    // An ID token from a refresh carries no nonce, like Entra's.
    expect(await validate(String(refreshed.body.id_token), "")).toBe("nonce");
    expect(decodeJwt(String(refreshed.body.id_token)).nonce).toBeUndefined();
    const { payload } = await jwtVerify(String(refreshed.body.id_token), jwks, {
      issuer: emulator.issuer,
      audience: emulator.client.clientId,
    });
    expect(payload.tid).toBe(emulator.tenantId);
  });

  it("rejects an unknown kind with a clear error", () => {
    expect(() => emulator.issueHostileIdToken("nice" as HostileIdTokenKind)).toThrow(/kind must be one of/);
  });
});
