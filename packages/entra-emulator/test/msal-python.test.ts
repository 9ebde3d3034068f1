import { existsSync } from "node:fs";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { printedEnv, runClient } from "./conformance/run-client.js";
import { emulatorForFile } from "./helpers/emulator.js";
import { DIEGO } from "./helpers/oauth.js";

// Debian's python3-msal (scripts/ensure-system-deps.sh installs it), run by /usr/bin/python3 —
// not a pyenv python on PATH, which would not see Debian's dist-packages.
const PYTHON = "/usr/bin/python3";
const emulator = emulatorForFile({ https: true });
/** What msal_python_app.py prints. */
interface Seen {
  authUri: string;
  authorizeStatus: number;
  byCode: { error: string | null; accessToken: string; idTokenClaims: Record<string, unknown> };
  accounts: string[];
  silent: { accessToken: string };
  refreshed: { accessToken: string; error: string | null };
  me: { status: number; body: { displayName?: string } };
}
let seen: Seen;

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3-msal`);
  seen = await runClient<Seen>(PYTHON, ["msal_python_app.py"], {
    ...printedEnv(emulator),
    SIGN_IN_USER: DIEGO,
  });
}, 60_000);

describe("MSAL Python (python3-msal) against the --https emulator, configuration only", () => {
  it("builds the auth code flow against the https authority with PKCE and a nonce", () => {
    const url = new URL(seen.authUri);
    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.authority}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("nonce")).toBeTruthy();
    expect(seen.authorizeStatus).toBe(302);
  });

  it("acquire_token_by_auth_code_flow validates the ID token (issuer from https discovery, nonce)", () => {
    expect(seen.byCode.error).toBeNull();
    expect(seen.byCode.idTokenClaims).toMatchObject({
      iss: emulator.issuer,
      aud: emulator.client.clientId,
      preferred_username: DIEGO,
      nonce: new URL(seen.authUri).searchParams.get("nonce"),
    });
    expect(decodeJwt(seen.byCode.accessToken).scp).toContain("User.Read");
    expect(seen.accounts).toEqual([DIEGO]);
  });

  it("acquire_token_silent answers from the cache; force_refresh redeems the refresh token", () => {
    // python3-msal 1.21 reports no token_source: the same token and a single refresh tell.
    expect(seen.silent.accessToken).toBe(seen.byCode.accessToken);
    expect(seen.refreshed.error).toBeNull();
    expect(seen.refreshed.accessToken).not.toBe(seen.byCode.accessToken);
    expect(emulator.requests({ grantType: "refresh_token" })).toHaveLength(1);
  });

  it("calls Graph /me at GRAPH_BASE_URL over TLS with the token acquire_token_silent gave", () => {
    expect(seen.me).toMatchObject({ status: 200, body: { displayName: "Diego Siciliani" } });
  });

  it("made no call outside the emulator (instance discovery off) and nothing in plain HTTP", () => {
    const paths = emulator.requests().map((entry) => entry.path);
    expect(paths).toContain(`/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(paths).not.toContain("/common/discovery/instance");
  });

  it("fails without REQUESTS_CA_BUNDLE: requests verifies the emulator's certificate", async () => {
    const { REQUESTS_CA_BUNDLE: _, ...withoutCa } = printedEnv(emulator);
    await expect(
      runClient(PYTHON, ["msal_python_app.py"], { ...withoutCa, SIGN_IN_USER: DIEGO }),
    ).rejects.toThrow(/CERTIFICATE_VERIFY_FAILED|SSLError/);
  });
});
