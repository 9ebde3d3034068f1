import { createHash, randomBytes } from "node:crypto";
import type { Emulator } from "../../src/index.js";

export const REDIRECT = "http://localhost:5000/getAToken";
export const ADELE = "AdeleV@M365x214355.onmicrosoft.com";
export const DIEGO = "DiegoS@M365x214355.onmicrosoft.com";

/** A PKCE verifier and its S256 challenge. */
export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** An /authorize URL with sensible defaults; `null` removes a parameter. */
export function authorizeUrl(emulator: Emulator, params: Record<string, string | null> = {}): string {
  const url = new URL(`${emulator.authority}/oauth2/v2.0/authorize`);
  const defaults: Record<string, string> = {
    client_id: emulator.client.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "openid profile offline_access User.Read",
    state: "state-123",
    nonce: "nonce-456",
    client_info: "1",
  };
  for (const [k, v] of Object.entries({ ...defaults, ...params })) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

/** POSTs a form to the token endpoint; returns status and parsed JSON. */
export async function token(
  emulator: Emulator,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.authority}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Signs a user in through the picker and returns the code plus its PKCE verifier. */
export async function getCode(
  emulator: Emulator,
  username = ADELE,
  params: Record<string, string | null> = {},
) {
  const { verifier, challenge } = pkce();
  const callback = await emulator.signIn(
    authorizeUrl(emulator, { code_challenge: challenge, code_challenge_method: "S256", ...params }),
    username,
  );
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback}`);
  return { code, verifier, callback };
}

/** The secret-authenticated form for redeeming a code. */
export function codeForm(emulator: Emulator, code: string, verifier: string): Record<string, string> {
  return {
    grant_type: "authorization_code",
    client_id: emulator.client.clientId,
    client_secret: emulator.client.clientSecret,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
    client_info: "1",
  };
}

/** Full sign-in + code redemption over raw HTTP; returns the token response. */
export async function signInTokens(
  emulator: Emulator,
  username = ADELE,
  params: Record<string, string | null> = {},
) {
  const { code, verifier } = await getCode(emulator, username, params);
  const result = await token(emulator, codeForm(emulator, code, verifier));
  if (result.status !== 200) throw new Error(`token failed: ${JSON.stringify(result.body)}`);
  return result.body as {
    access_token: string;
    refresh_token: string;
    id_token: string;
    client_info: string;
  };
}

/** Refreshes with the client secret. */
export function refresh(emulator: Emulator, refreshToken: string, extra: Record<string, string> = {}) {
  return token(emulator, {
    grant_type: "refresh_token",
    client_id: emulator.client.clientId,
    client_secret: emulator.client.clientSecret,
    refresh_token: refreshToken,
    ...extra,
  });
}

/** A client_credentials grant with the built-in client's secret (app-only; Graph by default). */
export function clientCredentials(emulator: Emulator, scope = "https://graph.microsoft.com/.default") {
  return token(emulator, {
    grant_type: "client_credentials",
    client_id: emulator.client.clientId,
    client_secret: emulator.client.clientSecret,
    scope,
  });
}

/** Asserts nothing here: extracts the AADSTS code from an Entra error body for expectations. */
export function aadstsOf(body: Record<string, unknown>): number | undefined {
  return (body.error_codes as number[] | undefined)?.[0];
}

/** The single-use flow id of a picker or consent page. */
export function flowOf(html: string): string {
  return html.match(/name="flow" value="([^"]+)"/)?.[1] ?? "";
}

/** POSTs an interactive step's form (`/login` or `/consent`) the way the browser does. */
export function postStep(
  emulator: Emulator,
  step: "login" | "consent",
  fields: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  return fetch(`${emulator.authority}/${step}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}
