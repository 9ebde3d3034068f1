import { createHash, randomBytes } from "node:crypto";
import { request } from "undici";
import { type Child, spawnChild } from "./child.js";
import { targetCommand } from "./paths.js";

/** A user of the emulated tenant and how many groups its `groups` claim lists. */
export interface EmulatorUser {
  upn: string;
  groups: number;
}

export interface EmulatorInfo {
  url: string;
  tenantId: string;
  authority: string;
  discoveryUrl: string;
  graphBaseUrl: string;
  client: { clientId: string; clientSecret: string };
  /** The built-in tenant's users. */
  users: EmulatorUser[];
  /** Users only the memory measurement signs in (targets/emulator.ts): no groups, and 200 groups. */
  benchUsers: { idle: string; groups: string };
}

/** The emulator running in its own process, plus the two things the harness asks of it. */
export interface EmulatorProcess {
  info: EmulatorInfo;
  child: Child;
  /** Drives the account picker for `username`; resolves the URL the emulator redirects to. */
  signIn(authorizeUrl: string, username: string): Promise<URL>;
  /** One valid Graph access token, obtained through a real auth code + PKCE sign-in. */
  accessToken(username: string, redirectUri: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the emulator process with the redirect URIs of every client the bench will run. */
export async function startEmulatorProcess(redirectUris: string[]): Promise<EmulatorProcess> {
  const cmd = targetCommand("emulator.ts");
  const child = await spawnChild({
    name: "emulator",
    command: cmd.command,
    args: [...cmd.args, JSON.stringify({ redirectUris })],
    ready: "json-line",
    ipc: true,
  });
  const info = child.info as unknown as EmulatorInfo;
  let nextId = 0;
  const pending = new Map<number, { resolve: (u: URL) => void; reject: (e: Error) => void }>();
  child.process.on("message", (raw) => {
    const message = raw as { id: number; location?: string; error?: string };
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.location) waiter?.resolve(new URL(message.location));
    else waiter?.reject(new Error(`emulator sign-in failed: ${message.error}`));
  });

  const signIn = (authorizeUrl: string, username: string) =>
    new Promise<URL>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.process.send({ id, signIn: authorizeUrl, username });
    });

  return {
    info,
    child,
    signIn,
    async accessToken(username, redirectUri) {
      const discovery = (await (await request(info.discoveryUrl)).body.json()) as {
        authorization_endpoint: string;
        token_endpoint: string;
      };
      const verifier = randomBytes(32).toString("base64url");
      const state = randomBytes(16).toString("base64url");
      const authorize = new URL(discovery.authorization_endpoint);
      authorize.search = new URLSearchParams({
        client_id: info.client.clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        scope: "openid profile offline_access User.Read",
        state,
        nonce: randomBytes(16).toString("base64url"),
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
        response_mode: "query",
      }).toString();
      const back = await signIn(authorize.toString(), username);
      const code = back.searchParams.get("code");
      if (!code || back.searchParams.get("state") !== state) {
        throw new Error(`emulator sign-in for a bare token did not return a code: ${back.search}`);
      }
      const res = await request(discovery.token_endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: info.client.clientId,
          client_secret: info.client.clientSecret,
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          scope: "openid profile offline_access User.Read",
        }).toString(),
      });
      const body = (await res.body.json()) as { access_token?: string; error?: string };
      if (res.statusCode !== 200 || !body.access_token) {
        throw new Error(`emulator token endpoint answered ${res.statusCode} ${body.error ?? ""}`);
      }
      return body.access_token;
    },
    stop: () => child.stop(),
  };
}
