import { DEFAULT_CONFIG, type Emulator } from "@entra-bff/entra-emulator";
import type { FastifyBaseLogger } from "fastify";
import { startEmulatorWithApis } from "./apis/emulator-apis.js";
import type { AppConfig, Config, EmulatorModeSettings } from "./config.js";

export interface ResolvedIdentityProvider {
  config: AppConfig;
  /** The emulator's users as "Name <upn>" for the start-up banner; empty with a real tenant. */
  demoUsers: string[];
  /** The in-process emulator, if one was started (tests drive its sign-in page). */
  emulator?: Emulator;
  /** Stops the in-process emulator, if one was started. */
  close(): Promise<void>;
}

/**
 * Emulator mode: the Entra ID + Graph emulator starts in this process on loopback, or an
 * external one (ENTRA_EMULATOR_URL) is used with the emulator's built-in tenant and client.
 * The only module of the BFF that imports the emulator; emulator-mode.ts loads it on demand.
 */
export async function emulatorIdentityProvider(
  config: Config,
  idp: EmulatorModeSettings,
  log: FastifyBaseLogger,
): Promise<ResolvedIdentityProvider> {
  let emulator: Emulator | undefined;
  let sample: { close(): Promise<void> } | undefined;
  let apis = config.apis;
  let url: string;
  let tenantId: string;
  let clientId: string;
  let clientSecret: string;
  let users: ReadonlyArray<{ displayName: string; userPrincipalName: string }>;
  if (idp.externalUrl) {
    const client = DEFAULT_CONFIG.clients[0];
    const secret = client?.clientSecrets[0];
    if (!client || !secret) throw new Error("the emulator's built-in tenant has no client with a secret");
    url = idp.externalUrl;
    tenantId = DEFAULT_CONFIG.tenant.id;
    clientId = client.clientId;
    clientSecret = secret;
    users = DEFAULT_CONFIG.users;
  } else {
    const started = await startEmulatorWithApis(config, idp.port, log);
    emulator = started.emulator;
    sample = started.sample;
    apis = started.apis;
    url = emulator.url;
    tenantId = emulator.tenantId;
    clientId = emulator.client.clientId;
    clientSecret = emulator.client.clientSecret;
    users = emulator.users;
  }
  log.warn(
    `Emulator mode: no ENTRA_* settings, so sign-in uses the local Entra ID emulator at ${url} ` +
      "(set ENTRA_TENANT_ID, ENTRA_CLIENT_ID and a credential for a real tenant)",
  );
  return {
    ...(emulator ? { emulator } : {}),
    demoUsers: users.map((user) => `${user.displayName} <${user.userPrincipalName}>`),
    config: {
      ...config,
      apis,
      idp: {
        mode: "entra",
        tenantId,
        clientId,
        credential: { kind: "secret", secret: clientSecret },
        authorityHost: url,
        graphBaseUrl: url,
        emulator: true,
      },
    },
    close: async () => {
      await sample?.close();
      await emulator?.close();
    },
  };
}
