import { DEFAULT_CONFIG, type Emulator, startEmulator } from "@entra-bff/entra-emulator";
import type { FastifyBaseLogger } from "fastify";
import {
  SAMPLE_TASKS_PREFIX,
  sampleTasksRoute,
  startSampleTasksApi,
  tenantWithDeclaredApis,
} from "./apis/emulator-apis.js";
import type { AppConfig, Config } from "./config.js";

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
 * Makes the identity provider concrete. A real tenant is used as configured; in emulator mode
 * (no ENTRA_* at all) the Entra ID + Graph emulator starts in this process on loopback, or an
 * external one (ENTRA_EMULATOR_URL) is used with the emulator's built-in tenant and client.
 * The only module of the BFF that imports the emulator.
 */
export async function resolveIdentityProvider(
  config: Config,
  log: FastifyBaseLogger,
): Promise<ResolvedIdentityProvider> {
  const idp = config.idp;
  if (idp.mode === "entra") return { config: { ...config, idp }, demoUsers: [], close: async () => {} };

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
    const started = await startWithSample(config, idp.port, log);
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

/**
 * Starts the in-process emulator and, in parallel, the sample Tasks API (unless BFF_APIS declares
 * /api/tasks itself), which is then declared like any API; the emulator registers every declared
 * API as a resource app.
 */
async function startWithSample(config: Config, port: number, log: FastifyBaseLogger) {
  const withSample = !config.apis.some((api) => api.prefix === SAMPLE_TASKS_PREFIX);
  let emulatorUrl: (url: string) => void = () => {};
  const urlPromise = new Promise<string>((resolve) => {
    emulatorUrl = resolve;
  });
  const declared = withSample ? [...config.apis, sampleTasksRoute("http://127.0.0.1")] : config.apis;
  const [emulatorResult, sampleResult] = await Promise.allSettled([
    startEmulator({
      port,
      config: tenantWithDeclaredApis(declared),
      // Sign-out returns to PUBLIC_URL/, which Entra accepts only as a registered redirect URI.
      redirectUris: [config.redirectUri, config.postLogoutRedirectUri],
      postLogoutRedirectUris: [config.postLogoutRedirectUri],
    }).then((started) => {
      emulatorUrl(started.url);
      return started;
    }),
    withSample ? startSampleTasksApi(DEFAULT_CONFIG.tenant.id, urlPromise, log) : Promise.resolve(undefined),
  ]);
  if (emulatorResult.status === "rejected" || sampleResult.status === "rejected") {
    if (emulatorResult.status === "fulfilled") await emulatorResult.value.close();
    if (sampleResult.status === "fulfilled") await sampleResult.value?.close();
    throw emulatorResult.status === "rejected"
      ? emulatorResult.reason
      : (sampleResult as PromiseRejectedResult).reason;
  }
  const sample = sampleResult.value;
  const apis = sample ? [...config.apis, sampleTasksRoute(sample.upstream)] : config.apis;
  return { emulator: emulatorResult.value, sample, apis };
}
