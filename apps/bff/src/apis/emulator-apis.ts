import { createHash } from "node:crypto";
import { DEFAULT_CONFIG, type EmulatorConfig, startEmulator } from "@entra-bff/entra-emulator";
import { buildTasksApi, DEMO_TASKS_API_CLIENT_ID } from "@entra-bff/tasks-api";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { ApiRoute } from "./api-config.js";
import { GRAPH_RESOURCE } from "./scopes.js";

type ResourceApp = EmulatorConfig["apis"][number];

export const SAMPLE_TASKS_PREFIX = "/api/tasks";
const SAMPLE_TASKS_SCOPE = `api://${DEMO_TASKS_API_CLIENT_ID}/Tasks.ReadWrite`;

/** The sample Tasks API declared like any other API (its upstream is where it listens). */
export function sampleTasksRoute(upstream: string): ApiRoute {
  return {
    prefix: SAMPLE_TASKS_PREFIX,
    upstream,
    token: "user",
    scopes: [SAMPLE_TASKS_SCOPE],
    resource: `api://${DEMO_TASKS_API_CLIENT_ID}`,
    methods: ["GET", "POST", "PATCH", "DELETE"],
    session: "required",
    headers: [],
    timeoutMs: 10_000,
    maxBodyBytes: 16 * 1024,
    stream: true,
    rateLimitPerMinute: 600,
    maxConcurrentPerSession: 8,
    requires: undefined,
  };
}

/**
 * The emulated tenant with every declared API registered as a resource app (App ID URI as
 * declared, v2.0 tokens), and the BFF's client allowed to ask for their scopes. They are not
 * admin-consented: the first call shows the consent step, as with a real tenant.
 */
export function tenantWithDeclaredApis(
  apis: readonly ApiRoute[],
  frontchannelLogoutUrl?: string,
): EmulatorConfig {
  const resources = new Map<string, Set<string>>();
  for (const api of apis) {
    if (api.token !== "user" || !api.resource || api.resource === GRAPH_RESOURCE) continue;
    const names = resources.get(api.resource) ?? new Set<string>();
    for (const scope of api.scopes) {
      const name = scope.slice(scope.lastIndexOf("/") + 1);
      if (name !== ".default") names.add(name);
    }
    resources.set(api.resource, names);
  }
  const apps: ResourceApp[] = [...resources].map(([resource, scopes]) => ({
    appId: appIdOf(resource),
    displayName: `API ${resource}`,
    identifierUris: [resource],
    scopes: [...scopes],
    requestedAccessTokenVersion: 2,
  }));
  const [client, ...others] = DEFAULT_CONFIG.clients;
  if (!client) throw new Error("the emulator's built-in tenant has no client");
  const declaredScopes = apis.flatMap((api) =>
    api.token === "user" && api.resource !== GRAPH_RESOURCE ? api.scopes : [],
  );
  return {
    ...DEFAULT_CONFIG,
    clients: [
      {
        ...client,
        permissions: [...new Set([...(client.permissions ?? []), ...declaredScopes])],
        // Registered like a real app's "Front-channel logout URL": sign-out at the emulator ends
        // the BFF session through a hidden iframe.
        ...(frontchannelLogoutUrl ? { frontchannelLogoutUrl } : {}),
      },
      ...others,
    ],
    apis: [...DEFAULT_CONFIG.apis, ...apps],
  };
}

/** `api://<guid>` names its app id; any other App ID URI gets a stable GUID of its own. */
function appIdOf(resource: string): string {
  const guid = /^api:\/\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(
    resource,
  )?.[1];
  if (guid) return guid;
  const hex = createHash("sha256").update(resource).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Starts the sample Tasks API on a free loopback port; it fetches the emulator's keys at its first
 * request, so it starts in parallel with the emulator.
 */
export async function startSampleTasksApi(
  tenantId: string,
  emulatorUrl: Promise<string>,
  log: FastifyBaseLogger,
): Promise<{ upstream: string; close(): Promise<void> }> {
  const api = await buildTasksApi({
    clientId: DEMO_TASKS_API_CLIENT_ID,
    tenantIds: [tenantId],
    authorityHost: emulatorUrl,
    logger: log.child({ component: "tasks-api" }),
  });
  const address = await api.listen({ host: "127.0.0.1", port: 0 });
  return { upstream: `${address}/v1/tasks`, close: () => api.close() };
}

/**
 * Starts the in-process emulator and, in parallel, the sample Tasks API (unless BFF_APIS declares
 * /api/tasks itself), which is then declared like any API; the emulator registers every declared
 * API as a resource app.
 */
export async function startEmulatorWithApis(config: Config, port: number, log: FastifyBaseLogger) {
  const withSample = !config.apis.some((api) => api.prefix === SAMPLE_TASKS_PREFIX);
  let emulatorUrl: (url: string) => void = () => {};
  const urlPromise = new Promise<string>((resolve) => {
    emulatorUrl = resolve;
  });
  const declared = withSample ? [...config.apis, sampleTasksRoute("http://127.0.0.1")] : config.apis;
  const [emulatorResult, sampleResult] = await Promise.allSettled([
    startEmulator({
      port,
      config: tenantWithDeclaredApis(declared, `${config.publicUrl}/logout/frontchannel`),
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
