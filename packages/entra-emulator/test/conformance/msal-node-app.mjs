// An MSAL Node app (MSAL_PACKAGE: "msal-node-2", i.e. MSAL Node 2.x as Microsoft's Express sample
// uses it, or "@azure/msal-node", the current one) configured the way that sample is — from the lines
// `entra-emulator --https --print-env` prints, with NODE_EXTRA_CA_CERTS set before Node starts —
// and nothing else: no network client, no authorityMetadata, no patches. The browser's authorize
// step is one GET with login_hint (the emulator skips its picker for a known user, as Entra does
// once the user has typed a password). Prints what it saw as one JSON line.
const { ConfidentialClientApplication, CryptoProvider } = await import(process.env.MSAL_PACKAGE);

const env = process.env;
const REDIRECT_URI = "http://localhost:5000/getAToken";
const POST_LOGOUT_REDIRECT_URI = "http://localhost:5000/";
const SCOPES = ["User.Read"];

const msal = new ConfidentialClientApplication({
  auth: {
    clientId: env.ENTRA_CLIENT_ID,
    authority: env.ENTRA_AUTHORITY,
    clientSecret: env.ENTRA_CLIENT_SECRET,
    // The one switch for a host that is not Microsoft's: trust it instead of asking
    // login.microsoftonline.com's instance discovery about it.
    knownAuthorities: [new URL(env.ENTRA_AUTHORITY).host],
  },
  system: { loggerOptions: { loggerCallback() {}, piiLoggingEnabled: false } },
});

const crypto = new CryptoProvider();
const pkce = await crypto.generatePkceCodes();
// As the sample does: MSAL 2.x parses a returned state as base64 JSON (its "library state").
const state = crypto.base64Encode(JSON.stringify({ csrfToken: crypto.createNewGuid(), redirectTo: "/" }));
const authCodeUrl = await msal.getAuthCodeUrl({
  scopes: SCOPES,
  redirectUri: REDIRECT_URI,
  codeChallenge: pkce.challenge,
  codeChallengeMethod: "S256",
  state,
  responseMode: "form_post", // as the sample: the code comes back in a POST to the redirect URI
  loginHint: env.SIGN_IN_USER,
});

// The browser: the authorize page answers with the form it auto-posts to the redirect URI.
const authorize = await fetch(authCodeUrl, { redirect: "manual" });
const page = await authorize.text();
const htmlText = (value) =>
  value
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
const posted = Object.fromEntries(
  [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
    m[1],
    htmlText(m[2]),
  ]),
);
const action = htmlText(page.match(/<form method="post" action="([^"]+)"/)?.[1] ?? "");
if (!posted.code) throw new Error(`no code: ${authorize.status} ${page.slice(0, 300)}`);
const code = posted.code;

// The sample's redirect handler: the POST body as the auth code payload (MSAL checks the state).
const byCode = await msal.acquireTokenByCode(
  { code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier },
  posted,
);
const account = byCode.account;
const silent = await msal.acquireTokenSilent({ account, scopes: SCOPES });
const refreshed = await msal.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true });

const me = await fetch(`${env.GRAPH_BASE_URL}/v1.0/me`, {
  headers: { authorization: `Bearer ${refreshed.accessToken}` },
});

// The sample's sign-out: Entra's end-session endpoint with the post-logout URI and no client_id.
const logoutUri = `${env.ENTRA_AUTHORITY}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_REDIRECT_URI)}`;
const logout = await fetch(logoutUri, { redirect: "manual" });

console.log(
  JSON.stringify({
    authCodeUrl,
    formAction: action,
    callbackState: posted.state,
    sentState: state,
    byCode: {
      scopes: byCode.scopes,
      username: account?.username,
      tenantId: account?.tenantId,
      homeAccountId: account?.homeAccountId,
      idTokenIss: byCode.idTokenClaims.iss,
      idTokenAud: byCode.idTokenClaims.aud,
      accessToken: byCode.accessToken,
    },
    silent: { fromCache: silent.fromCache, accessToken: silent.accessToken },
    refreshed: { fromCache: refreshed.fromCache, accessToken: refreshed.accessToken },
    me: { status: me.status, body: await me.json() },
    logout: {
      uri: logoutUri,
      status: logout.status,
      location: logout.headers.get("location"),
      setCookie: logout.headers.get("set-cookie"),
    },
  }),
);
