import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG, type EmulatorConfig } from "@entra-bff/entra-emulator";
import { afterEach } from "vitest";
import { parseApis } from "../../src/apis/api-config.js";
import { buildTestApp, type TestAppOptions } from "../helpers/test-app.js";

export const TASKS_APP_ID = "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";
export const NOTES_APP_ID = "6b1d7c3e-2f4a-4b8c-9d0e-1a2b3c4d5e6f";
export const TASKS_SCOPE = `api://${TASKS_APP_ID}/Tasks.ReadWrite`;
export const NOTES_SCOPE = `api://${NOTES_APP_ID}/Notes.Read`;

/** What a test upstream received: exactly what went over the wire. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  rawHeaders: string[];
  bytes: number;
}

export interface TestUpstream {
  url: string;
  received: Received[];
  server: Server;
}

const upstreams: Server[] = [];
afterEach(async () => {
  for (const server of upstreams.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * An upstream that records every request and answers with `handle` (default: 200 JSON echoing
 * the path), after reading the whole body (counted, not kept).
 */
export async function startUpstream(
  handle?: (request: IncomingMessage, response: ServerResponse, received: Received) => void,
): Promise<TestUpstream> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const entry: Received = {
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      bytes: 0,
    };
    received.push(entry);
    if (handle && request.url?.includes("/stream-")) return handle(request, response, entry);
    request.on("data", (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
    request.on("end", () => {
      if (handle) return handle(request, response, entry);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: request.url, bytes: entry.bytes }));
    });
  });
  upstreams.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

/** The emulator's tenant with the Tasks and Notes APIs registered; the BFF may call both. */
export function tenantWithApis(consented: boolean): EmulatorConfig {
  const [client, ...others] = DEFAULT_CONFIG.clients;
  if (!client) throw new Error("no default client");
  const permissions = [...(client.permissions ?? []), TASKS_SCOPE, NOTES_SCOPE];
  return {
    ...DEFAULT_CONFIG,
    clients: [
      {
        ...client,
        permissions,
        adminConsent: consented
          ? [...(client.adminConsent ?? []), TASKS_SCOPE, NOTES_SCOPE]
          : (client.adminConsent ?? []),
      },
      ...others,
    ],
    apis: [api(TASKS_APP_ID, "Tasks API", "Tasks.ReadWrite"), api(NOTES_APP_ID, "Notes API", "Notes.Read")],
  };
}

function api(appId: string, displayName: string, scope: string): EmulatorConfig["apis"][number] {
  return {
    appId,
    displayName,
    identifierUris: [`api://${appId}`],
    scopes: [scope],
    requestedAccessTokenVersion: 2,
  };
}

/** A BFF (against an emulator with the two APIs) declaring `entries`. */
export async function buildApisApp(
  entries: Array<Record<string, unknown>>,
  options: TestAppOptions & { consented?: boolean } = {},
) {
  const apis = parseApis(entries.map((entry) => ({ token: "none", ...entry })));
  return buildTestApp({
    emulatorConfig: tenantWithApis(options.consented ?? true),
    ...options,
    config: { ...options.config, apis },
  });
}

/** The payload of a JWT, unverified (the test only reads claims the upstream received). */
export function jwtClaims(authorization: string | string[] | undefined): Record<string, unknown> {
  const token = String(authorization).replace(/^Bearer /, "");
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}
