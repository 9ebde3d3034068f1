import { DEFAULT_CONFIG, type Emulator, type EmulatorConfig } from "@entra-bff/entra-emulator";
import { buildTestApp, type TestApp, type TestAppOptions } from "../helpers/test-app.js";

/** A compact JWS (`header.payload.signature`), the shape of every Entra token. */
export const JWT_SHAPE = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/;

/** A second app registration in the same tenant: an attacker's client whose codes we must refuse. */
export const OTHER_CLIENT = {
  clientId: "5f3c1d2e-0a9b-4c8d-8e7f-6a5b4c3d2e1f",
  clientSecret: "Other~client.secret-for-security-tests",
  redirectUri: "http://localhost:5000/getAToken",
};

/** The test app (buildTestApp) on an emulator of our own choosing, e.g. a tenant with two app registrations. */
export function buildAppOnEmulator(
  emulatorConfig: EmulatorConfig,
  options: TestAppOptions = {},
): Promise<TestApp> {
  return buildTestApp({ ...options, emulatorConfig });
}

/** The built-in Contoso tenant plus OTHER_CLIENT. */
export function tenantWithTwoClients(): EmulatorConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  config.clients.push({
    clientId: OTHER_CLIENT.clientId,
    displayName: "another app in the tenant",
    clientSecrets: [OTHER_CLIENT.clientSecret],
    redirectUris: [OTHER_CLIENT.redirectUri],
    postLogoutRedirectUris: [],
    certificates: [],
  });
  return config;
}

/** Sends raw bytes to a listening app and resolves with the status line's code (HTTP parser attacks). */
export async function rawRequest(
  port: number,
  request: string | Buffer,
): Promise<{ status: number; text: string }> {
  const { connect } = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => {
      // The server may reset the connection after answering an oversized request.
      if (chunks.length > 0) finish();
      else reject(error);
    });
    socket.on("end", finish);
    socket.on("close", finish);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    }
    socket.write(request);
  });
}

/** The Graph requests the emulator received, as "METHOD path". */
export function graphCalls(emulator: Emulator): string[] {
  return emulator
    .requests()
    .filter((entry) => entry.path.startsWith("/v1.0/") || entry.path.startsWith("/beta/"))
    .map((entry) => `${entry.method} ${entry.path}`);
}

/** The BFF over http and behind an https proxy: its cookie prefixes and the headers to send. */
export const COOKIE_MODES = [
  { mode: "http", env: {}, prefix: "", sidPrefix: "", headers: {} },
  {
    mode: "https",
    env: { PUBLIC_URL: "https://app.contoso.test", TRUST_PROXY: "1" },
    prefix: "__Host-",
    // The session cookie must stay HttpOnly and server-set; the previous release's name is also cleared.
    sidPrefix: "__Host-Http-",
    headers: { "x-forwarded-proto": "https" },
  },
] as const;
