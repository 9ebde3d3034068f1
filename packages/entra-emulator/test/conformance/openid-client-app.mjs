// openid-client v6 (panva) against the --https emulator with its defaults: strict issuer
// validation (the discovered issuer must equal the one asked for) and https only — no
// allowInsecureRequests. Configured from the --print-env lines, NODE_EXTRA_CA_CERTS set before
// Node starts. The authorize step is one GET with login_hint. Prints one JSON line.
import * as oidc from "openid-client";

const env = process.env;
const REDIRECT_URI = "http://localhost:5000/getAToken";

// Entra's issuer is the authority (with the tenant) + /v2.0.
const config = await oidc.discovery(
  new URL(`${env.ENTRA_AUTHORITY}/v2.0`),
  env.ENTRA_CLIENT_ID,
  env.ENTRA_CLIENT_SECRET,
);
// Also verify the ID token's signature against the JWKS (openid-client leaves it off by default).
oidc.enableNonRepudiationChecks(config);

const verifier = oidc.randomPKCECodeVerifier();
const state = oidc.randomState();
const nonce = oidc.randomNonce();
const authorizationUrl = oidc.buildAuthorizationUrl(config, {
  redirect_uri: REDIRECT_URI,
  scope: "openid profile offline_access User.Read",
  code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
  code_challenge_method: "S256",
  state,
  nonce,
  login_hint: env.SIGN_IN_USER,
});
const authorize = await fetch(authorizationUrl, { redirect: "manual" });
const callback = new URL(authorize.headers.get("location") ?? "about:blank");

const tokens = await oidc.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
});
const claims = tokens.claims();
const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, claims.sub);
const me = await oidc.fetchProtectedResource(
  config,
  refreshed.access_token,
  new URL(`${env.GRAPH_BASE_URL}/v1.0/me`),
  "GET",
);
const endSession = oidc.buildEndSessionUrl(config, {
  id_token_hint: refreshed.id_token,
  post_logout_redirect_uri: "http://localhost:5000/",
  state: "signed-out",
});
const logout = await fetch(endSession, { redirect: "manual" });

console.log(
  JSON.stringify({
    issuer: config.serverMetadata().issuer,
    claims,
    refreshedSub: refreshed.claims()?.sub,
    refreshTokenRotated: refreshed.refresh_token !== tokens.refresh_token,
    userinfo,
    me: { status: me.status, body: await me.json() },
    logout: { status: logout.status, location: logout.headers.get("location") },
  }),
);
