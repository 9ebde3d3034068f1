import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import type { Emulator } from "../../src/index.js";

/**
 * An MSAL Node confidential client pointed at the emulator the way the BFF does it: https authority
 * string (MSAL insists), the emulator's discovery JSON as `authorityMetadata`, and its host:port as
 * a known authority — so MSAL makes no discovery call and talks plain HTTP to loopback.
 */
export async function msalClientFor(
  emulator: Emulator,
  credential:
    | { clientSecret: string }
    | { clientCertificate: { thumbprintSha256: string; privateKey: string } } = {
    clientSecret: emulator.client.clientSecret,
  },
): Promise<ConfidentialClientApplication> {
  const metadata = await (await fetch(emulator.discoveryUrl)).text();
  const host = new URL(emulator.url).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: emulator.client.clientId,
      authority: `https://${host}/${emulator.tenantId}`,
      authorityMetadata: metadata,
      knownAuthorities: [host],
      ...credential,
    },
    system: { loggerOptions: { loggerCallback: () => {}, piiLoggingEnabled: false } },
  });
}

export const REDIRECT_URI = "http://localhost:5000/getAToken";

/** Runs MSAL's auth code + PKCE flow through the emulator's picker for one user. */
export async function msalSignIn(emulator: Emulator, msal: ConfidentialClientApplication, username: string) {
  const crypto = new CryptoProvider();
  const pkce = await crypto.generatePkceCodes();
  const state = crypto.createNewGuid();
  const nonce = crypto.createNewGuid();
  const url = await msal.getAuthCodeUrl({
    scopes: ["User.Read"],
    redirectUri: REDIRECT_URI,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    state,
    nonce,
  });
  const callback = await emulator.signIn(url, username);
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code in ${callback}`);
  // MSAL 7.2 takes the expected nonce from the request (not the payload) and checks the ID token's.
  const result = await msal.acquireTokenByCode(
    { code, scopes: ["User.Read"], redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier, state, nonce },
    { code, state: callback.searchParams.get("state") ?? "" },
  );
  return { result, callback, state, nonce, url };
}
