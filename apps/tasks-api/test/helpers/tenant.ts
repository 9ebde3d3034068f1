import { createHash, randomBytes } from "node:crypto";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { DEFAULT_CONFIG, type Emulator, startEmulator } from "@entra-bff/entra-emulator";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { buildTasksApi, DEMO_TASKS_API_CLIENT_ID, type TasksApiOptions } from "../../src/index.js";

/** The Tasks API's own app registration in the emulated tenant ("Expose an API"). */
export const API_APP_ID = DEMO_TASKS_API_CLIENT_ID;
export const READ_WRITE = `api://${API_APP_ID}/Tasks.ReadWrite`;
export const READ_ONLY = `api://${API_APP_ID}/Tasks.Read`;
export const ADELE = "AdeleV@M365x214355.onmicrosoft.com";
export const MEGAN = "MeganB@M365x214355.onmicrosoft.com";
const REDIRECT_URI = "http://localhost:5000/getAToken";

/**
 * The built-in tenant plus the Tasks API as a resource app issuing v2.0 tokens. The client (the
 * BFF) has both scopes configured; an admin consented to both (default) or to Tasks.Read only.
 */
export function startTenant(adminConsent = [READ_WRITE, READ_ONLY]): Promise<Emulator> {
  const client = DEFAULT_CONFIG.clients[0];
  if (!client) throw new Error("the built-in tenant has no client");
  return startEmulator({
    config: {
      ...DEFAULT_CONFIG,
      clients: [
        {
          ...client,
          permissions: ["User.Read", READ_WRITE, READ_ONLY],
          adminConsent: ["User.Read", ...adminConsent],
        },
      ],
      apis: [
        {
          appId: API_APP_ID,
          displayName: "Tasks API",
          identifierUris: [`api://${API_APP_ID}`],
          scopes: ["Tasks.ReadWrite", "Tasks.Read"],
          requestedAccessTokenVersion: 2,
        },
      ],
    },
  });
}

/** The Tasks API trusting the emulator's tenant, as `pnpm start` wires it. */
export function apiFor(
  emulator: Emulator,
  overrides: Partial<TasksApiOptions> = {},
): Promise<FastifyInstance> {
  return buildTasksApi({
    clientId: API_APP_ID,
    tenantIds: [emulator.tenantId],
    authorityHost: emulator.url,
    ...overrides,
  });
}

/**
 * For a test file: the tenant (startTenant) and a Tasks API trusting it (apiFor with
 * `apiOptions`), started before the file's tests and closed after them. Read `emulator` and
 * `api` from the returned object inside tests and hooks.
 */
export function tasksApiForFile(apiOptions: Partial<TasksApiOptions> = {}) {
  const setup = {} as { emulator: Emulator; api: FastifyInstance };
  beforeAll(async () => {
    setup.emulator = await startTenant();
    setup.api = await apiFor(setup.emulator, apiOptions);
  });
  afterAll(async () => {
    await setup.api?.close();
    await setup.emulator?.close();
  });
  return setup;
}

/** The tenant's JWKS URL at the emulator (to trust its keys while changing other settings). */
export function jwksOf(emulator: Emulator): string {
  return `${emulator.authority}/discovery/v2.0/keys`;
}

/** MSAL Node as the BFF configures it against the emulator: no discovery call, plain HTTP. */
async function msalFor(emulator: Emulator): Promise<ConfidentialClientApplication> {
  const host = new URL(emulator.url).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: emulator.client.clientId,
      clientSecret: emulator.client.clientSecret,
      authority: `https://${host}/${emulator.tenantId}`,
      authorityMetadata: await (await fetch(emulator.discoveryUrl)).text(),
      knownAuthorities: [host],
    },
    system: { loggerOptions: { loggerCallback: () => {}, piiLoggingEnabled: false } },
  });
}

/**
 * Signs `username` in with MSAL Node (auth code + PKCE through the emulator's picker) for the
 * BFF's usual scopes, then acquires a token for each of `resources` silently from the one refresh
 * token, as the BFF does per API. Returns the access tokens in the order asked.
 */
export async function msalTokens(
  emulator: Emulator,
  username: string,
  resources: string[][],
): Promise<string[]> {
  const msal = await msalFor(emulator);
  const crypto = new CryptoProvider();
  const pkce = await crypto.generatePkceCodes();
  const [state, nonce] = [crypto.createNewGuid(), crypto.createNewGuid()];
  const request = { scopes: ["User.Read"], redirectUri: REDIRECT_URI };
  const url = await msal.getAuthCodeUrl({
    ...request,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    state,
    nonce,
  });
  const callback = await emulator.signIn(url, username);
  const code = callback.searchParams.get("code") ?? "";
  const signedIn = await msal.acquireTokenByCode(
    { ...request, code, codeVerifier: pkce.verifier, state, nonce },
    { code, state: callback.searchParams.get("state") ?? "" },
  );
  const account = signedIn.account;
  if (!account) throw new Error("MSAL returned no account");
  const tokens: string[] = [];
  for (const scopes of resources)
    tokens.push((await msal.acquireTokenSilent({ account, scopes })).accessToken);
  return tokens;
}

/**
 * A token straight from the emulator's token endpoint (auth code + PKCE over HTTP), for cases
 * MSAL would not hand out, e.g. a token already expired under a shifted emulator clock.
 */
export async function rawTokens(emulator: Emulator, username: string, scope: string) {
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(`${emulator.authority}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: emulator.client.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: `openid offline_access ${scope}`,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const callback = await emulator.signIn(authorize.toString(), username);
  const response = await fetch(`${emulator.authority}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
      code: callback.searchParams.get("code") ?? "",
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }),
  });
  const body = (await response.json()) as { access_token?: string; id_token?: string };
  if (!body.access_token || !body.id_token) throw new Error(`no tokens: ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, idToken: body.id_token };
}

export async function rawToken(emulator: Emulator, username: string, scope: string): Promise<string> {
  return (await rawTokens(emulator, username, scope)).accessToken;
}

/** The `WWW-Authenticate` parameters as a record (quoted values unquoted). */
export function challengeOf(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of (header ?? "").matchAll(/(\w+)="([^"]*)"/g)) params[match[1] ?? ""] = match[2] ?? "";
  return params;
}
