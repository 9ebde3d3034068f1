import { beforeAll, describe, expect, it } from "vitest";
import { printedEnv, runClient } from "./conformance/run-client.js";
import { emulatorForFile } from "./helpers/emulator.js";

// openid-client v6 with its defaults (strict issuer, https only) in a process of its own.
const ALEX = "AlexW@M365x214355.onmicrosoft.com";
interface Seen {
  issuer: string;
  claims: Record<string, unknown>;
  refreshedSub: string;
  refreshTokenRotated: boolean;
  userinfo: Record<string, unknown>;
  me: { status: number; body: { displayName?: string } };
  logout: { status: number; location: string | null };
}
const emulator = emulatorForFile({ https: true });
let seen: Seen;

beforeAll(async () => {
  seen = await runClient<Seen>(process.execPath, ["openid-client-app.mjs"], {
    ...printedEnv(emulator),
    SIGN_IN_USER: ALEX,
  });
}, 60_000);

describe("openid-client v6, strict issuer over https (no allowInsecureRequests)", () => {
  it("discovers ENTRA_AUTHORITY/v2.0 as the issuer, exactly", () => {
    expect(seen.issuer).toBe(`${printedEnv(emulator).ENTRA_AUTHORITY}/v2.0`);
    expect(seen.issuer).toBe(emulator.issuer);
    expect(seen.issuer.startsWith("https://127.0.0.1:")).toBe(true);
  });

  it("completes auth code + PKCE with a signature-checked ID token", () => {
    expect(seen.claims).toMatchObject({
      iss: emulator.issuer,
      aud: emulator.client.clientId,
      tid: emulator.tenantId,
      preferred_username: ALEX,
    });
  });

  it("refreshes (rotating the refresh token), reads userinfo and Graph /me over TLS", () => {
    expect(seen.refreshTokenRotated).toBe(true);
    expect(seen.refreshedSub).toBe(seen.claims.sub);
    expect(seen.userinfo).toMatchObject({ sub: seen.claims.sub, name: "Alex Wilber" });
    expect(seen.me).toMatchObject({ status: 200, body: { displayName: "Alex Wilber" } });
  });

  it("signs out through the end-session endpoint back to the registered post-logout URI", () => {
    expect(seen.logout).toEqual({ status: 302, location: "http://localhost:5000/?state=signed-out" });
  });

  it("refuses the emulator when its CA is not trusted", async () => {
    const { NODE_EXTRA_CA_CERTS: _, ...withoutCa } = printedEnv(emulator);
    await expect(
      runClient(process.execPath, ["openid-client-app.mjs"], { ...withoutCa, SIGN_IN_USER: ALEX }),
    ).rejects.toThrow(/certificate|UNABLE_TO_VERIFY|fetch failed/i);
  });
});
