import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import type { LogoutTokenOptions } from "./backchannel.js";
import { type DemoUser, type EmulatorConfig, loadConfig, type TokenLifetimes } from "./config.js";
import { Controls } from "./control.js";
import type { WorkloadAssertionOptions } from "./control-directory.js";
import { workloadIssuer } from "./federated.js";
import { simpleRequest } from "./http-client.js";
import { APP_SERVICE_PATH } from "./routes/managed-identity.js";
import { driveSignIn, type SignInOptions } from "./sign-in.js";
import {
  EmulatorState,
  type GrantType,
  type GraphFault,
  type HostileIdTokenKind,
  type RequestLogEntry,
} from "./state.js";
import { isWebUri } from "./web-uri.js";

export interface StartEmulatorOptions {
  /** Interface to bind; default "127.0.0.1" (never beyond loopback unless told). */
  host?: string;
  /** Default 0 = a free port. */
  port?: number;
  /** An object or a path to a JSON file; default: the built-in Contoso tenant. */
  config?: EmulatorConfig | string;
  /** Extra redirect URIs registered on the default (first) client. */
  redirectUris?: string[];
  /** Extra post-logout redirect URIs registered on the default (first) client. */
  postLogoutRedirectUris?: string[];
  /** Fastify's logger; default false. */
  logger?: boolean;
  /** Serve the `/_emulator/*` control API; default true. */
  controlApi?: boolean;
  /**
   * Serve every endpoint over TLS with a certificate for localhost/127.0.0.1/::1 from a fresh local
   * CA, and advertise https everywhere. Default false (plain HTTP).
   */
  https?: boolean;
  /** With `https`: where to write the CA certificate (PEM); default a new temp dir, removed on close. */
  caOut?: string;
}

export interface Emulator {
  readonly url: string;
  readonly tenantId: string;
  readonly authority: string;
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly graphBaseUrl: string;
  readonly client: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
  };
  readonly users: readonly DemoUser[];
  /** Every tenant (home first) with its issuer and users, e.g. Fabrikam for multi-tenant tests. */
  readonly tenants: readonly {
    id: string;
    domain: string;
    displayName: string;
    issuer: string;
    users: readonly DemoUser[];
  }[];
  /** The built-in external issuer (workload identity federation); see `mintWorkloadAssertion`. */
  readonly workloadIssuer: string;
  /**
   * The managed identity endpoints, as the environment variables MSAL (and Azure SDKs) read:
   * App Service's IDENTITY_ENDPOINT + IDENTITY_HEADER, or IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST
   * (never 169.254.169.254).
   */
  readonly managedIdentityEnv: {
    IDENTITY_ENDPOINT: string;
    IDENTITY_HEADER: string;
    AZURE_POD_IDENTITY_AUTHORITY_HOST: string;
  };
  /** With `https`: the local CA's certificate (PEM) that clients must trust. */
  readonly caCertificate: string | undefined;
  /** With `https`: the file holding `caCertificate` (for NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE). */
  readonly caFile: string | undefined;
  /** Drives the picker (and a consent step: Accept unless `consent: "cancel"`) without cookies. */
  signIn(authorizeUrl: string, username: string, options?: SignInOptions): Promise<URL>;
  queueError(
    endpoint: "authorize" | "token",
    aadsts: number,
    options?: {
      error?: string;
      description?: string;
      grantType?: GrantType;
      suberror?: string;
      /** A claims challenge (JSON string) added to the token error body. */
      claims?: string;
    },
  ): void;
  graphFault(fault: GraphFault | null): void;
  revokeRefreshTokens(userIdOrUpn: string): void;
  /** The user's own consent for a client (default: the first): as if they clicked Accept; [] revokes. */
  setUserConsent(userIdOrUpn: string, scopes: string[], clientId?: string): void;
  /** Replaces the app roles assigned directly to a user on a client (default: the first); reset() restores. */
  setUserRoles(userIdOrUpn: string, roles: string[], clientId?: string): void;
  /**
   * A token of the built-in external issuer `{url}/workload-issuer` (default subject
   * `system:serviceaccount:default:entra-bff`, audience `api://AzureADTokenExchange`, 1 h): write it
   * where AZURE_FEDERATED_TOKEN_FILE points, as Kubernetes does, and rotate it by minting again.
   */
  mintWorkloadAssertion(options?: WorkloadAssertionOptions): Promise<string>;
  /**
   * An OIDC back-channel logout token (typ logout+jwt, events, sid and/or sub, no nonce), signed
   * with the tenant key; `claims`, `typ` and `foreignKey` break it on purpose for tests.
   */
  logoutToken(options?: LogoutTokenOptions): Promise<string>;
  /** POSTs `logout_token=…` to an app's back-channel logout URL; resolves its status and body. */
  sendBackchannelLogout(
    url: string,
    options?: LogoutTokenOptions & { logoutToken?: string },
  ): Promise<{ status: number; body: string }>;
  setTokenLifetimes(l: Partial<TokenLifetimes>): void;
  advanceClock(seconds: number): void;
  rotateKeys(options?: { keepOld?: boolean }): void;
  issueHostileIdToken(kind: HostileIdTokenKind): void;
  requests(filter?: { path?: string; grantType?: string }): RequestLogEntry[];
  reset(): void;
  close(): Promise<void>;
}

/** Hosts whose URL the https certificate covers (a wildcard bind is reached through 127.0.0.1). */
const LOOPBACK_OR_WILDCARD = /^(localhost|127\.0\.0\.1|::1|\[::1\]|0\.0\.0\.0|::|\[::\])$/i;

function validateUris(uris: string[], what: string): string[] {
  for (const uri of uris)
    if (!isWebUri(uri)) throw new Error(`startEmulator: ${what} "${uri}" is not an http or https URL`);
  return uris;
}

/**
 * Starts the Entra ID + Graph emulator on loopback (port 0 = a free port) and resolves once it
 * listens. The default tenant is Contoso with the demo users; pass `config` to replace parts.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const config = loadConfig(options.config);
  const primary = config.clients[0];
  if (!primary) throw new Error("startEmulator: the configuration has no client");
  for (const uri of validateUris(options.redirectUris ?? [], "redirect URI")) {
    if (!primary.redirectUris.includes(uri)) primary.redirectUris.push(uri);
  }
  for (const uri of validateUris(options.postLogoutRedirectUris ?? [], "post-logout redirect URI")) {
    if (!primary.postLogoutRedirectUris.includes(uri)) primary.postLogoutRedirectUris.push(uri);
  }
  const state = new EmulatorState(config);
  const host = options.host ?? "127.0.0.1";
  if (options.https && !LOOPBACK_OR_WILDCARD.test(host)) {
    throw new Error(
      `startEmulator: the https certificate covers localhost, 127.0.0.1 and ::1 only, not host "${host}": ` +
        "bind to one of those (or 0.0.0.0 and reach it through 127.0.0.1)",
    );
  }
  const tls = options.https ? await setUpTls(options.caOut) : undefined;
  const app: FastifyInstance = buildApp(state, {
    logger: options.logger ?? false,
    controlApi: options.controlApi ?? true,
    ...(tls ? { https: { key: tls.privateKey, cert: tls.certificate } } : {}),
  });
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    tls?.cleanUp();
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("startEmulator: no TCP address");
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  // A wildcard bind is reached through loopback.
  const reachable = urlHost === "0.0.0.0" || urlHost === "[::]" ? "127.0.0.1" : urlHost;
  state.baseUrl = `${tls ? "https" : "http"}://${reachable}:${address.port}`;
  const controls = new Controls(state);
  const url = state.baseUrl;

  return {
    url,
    tenantId: state.tenantId,
    authority: `${url}/${state.tenantId}`,
    issuer: state.issuer,
    discoveryUrl: `${state.issuer}/.well-known/openid-configuration`,
    graphBaseUrl: url,
    client: {
      clientId: primary.clientId,
      clientSecret: primary.clientSecrets[0] ?? "",
      redirectUris: primary.redirectUris,
      postLogoutRedirectUris: primary.postLogoutRedirectUris,
    },
    users: config.users,
    tenants: state.directory.tenants.map((t) => ({
      id: t.id,
      domain: t.domain,
      displayName: t.displayName,
      issuer: state.issuerFor(t.id),
      users: state.directory.usersOf(t.id),
    })),
    workloadIssuer: workloadIssuer(state),
    managedIdentityEnv: {
      IDENTITY_ENDPOINT: `${url}${APP_SERVICE_PATH}`,
      IDENTITY_HEADER: state.identityHeader,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: url,
    },
    caCertificate: tls?.caCertificate,
    caFile: tls?.caFile,
    signIn: (authorizeUrl, username, options) =>
      driveSignIn(authorizeUrl, username, options, simpleRequest(tls?.caCertificate)),
    queueError: (endpoint, aadsts, opts) => controls.queueError(endpoint, aadsts, opts),
    graphFault: (fault) => controls.graphFault(fault),
    revokeRefreshTokens: (user) => controls.revokeRefreshTokens(user),
    setUserConsent: (user, scopes, clientId) => controls.setUserConsent(user, scopes, clientId),
    setUserRoles: (user, roles, clientId) => controls.setUserRoles(user, roles, clientId),
    mintWorkloadAssertion: (opts) => controls.mintWorkloadAssertion(opts),
    logoutToken: (opts) => controls.logoutToken(opts),
    sendBackchannelLogout: (target, opts) => controls.sendBackchannelLogout(target, opts),
    setTokenLifetimes: (l) => controls.setTokenLifetimes(l),
    advanceClock: (seconds) => controls.advanceClock(seconds),
    rotateKeys: (opts) => controls.rotateKeys(opts),
    issueHostileIdToken: (kind) => controls.issueHostileIdToken(kind),
    requests: (filter) => controls.requests(filter),
    reset: () => controls.reset(),
    close: async () => {
      await app.close();
      tls?.cleanUp();
    },
  };
}

/** Creates the local CA + server certificate and writes the CA certificate where clients read it. */
async function setUpTls(caOut: string | undefined) {
  // Loaded only for https: the X.509 library and its polyfill stay out of plain-HTTP runs.
  const { createLocalTls } = await import("./tls.js");
  const tls = await createLocalTls();
  const tempDir = caOut === undefined ? mkdtempSync(join(tmpdir(), "entra-emulator-")) : undefined;
  const caFile = caOut ?? join(tempDir as string, "ca.pem");
  try {
    writeFileSync(caFile, tls.caCertificate, { mode: 0o644 });
  } catch (cause) {
    throw new Error(`startEmulator: cannot write the CA certificate to ${caFile}`, { cause });
  }
  return {
    ...tls,
    caFile,
    // A temp dir we made goes with the emulator; a file the caller named stays.
    cleanUp: () => {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
