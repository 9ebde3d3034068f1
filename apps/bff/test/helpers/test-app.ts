import { Writable } from "node:stream";
import type { Emulator, EmulatorConfig } from "@entra-bff/entra-emulator";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterEach } from "vitest";
import { buildApp } from "../../src/app.js";
import { type AppConfig, type EntraSettings, loadConfig } from "../../src/config.js";
import type { KeyValueStore } from "../../src/session/kv-store.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { startEmulatorFor } from "./emulator.js";

export const PUBLIC_URL = "http://localhost:5000";

export interface TestApp {
  app: FastifyInstance;
  emulator: Emulator;
  config: AppConfig;
  store: KeyValueStore;
  /** Every route the app registered, as "METHOD /path" (HEAD routes Fastify adds included). */
  routes: string[];
  /** Every log line the app wrote so far, as parsed JSON. */
  logs(): Array<Record<string, unknown>>;
  /** The raw log output. */
  rawLogs(): string;
}

export interface TestAppOptions {
  /** Extra environment on top of a config pointing at the emulator. */
  env?: Record<string, string>;
  /** Replace parts of the resolved config. */
  config?: Partial<AppConfig>;
  store?: KeyValueStore;
  logLevel?: string;
  /** The emulator's tenant, clients and users (default: its built-in Contoso tenant). */
  emulatorConfig?: EmulatorConfig;
}

/** The BFF's identity-provider settings for an emulator: its tenant and default client + secret. */
export function idpFor(emulator: Emulator): EntraSettings {
  return {
    mode: "entra",
    tenantId: emulator.tenantId,
    clientId: emulator.client.clientId,
    credential: { kind: "secret", secret: emulator.client.clientSecret },
    authorityHost: emulator.url,
    graphBaseUrl: emulator.graphBaseUrl,
    emulator: true,
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Starts an emulator on a free port (with the test app's redirect URI registered) and builds the
 * BFF against it; both close after the test.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const publicUrl = options.env?.PUBLIC_URL ?? PUBLIC_URL;
  const emulator = await startEmulatorFor({
    publicUrl,
    ...(options.emulatorConfig ? { config: options.emulatorConfig } : {}),
  });
  cleanups.push(() => emulator.close());
  const base = loadConfig({
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
    LOG_LEVEL: options.logLevel ?? "info",
    WEB_DIST_DIR: "/nonexistent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    ...options.env,
  });
  const config: AppConfig = {
    ...base,
    idp: idpFor(emulator),
    ...options.config,
  };
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const store = options.store ?? createMemoryStore();
  const routes: string[] = [];
  const onRoute = (route: { method: string | string[]; url: string }) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  };
  const app = await buildApp(config, { store, logStream, onRoute });
  cleanups.push(() => app.close());
  return {
    app,
    emulator,
    config,
    store,
    routes,
    logs() {
      return lines
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLogs: () => lines.join(""),
  };
}

/** A minimal cookie jar for `inject`: name → value, updated from Set-Cookie. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  update(res: LightMyRequestResponse): void {
    for (const cookie of res.cookies as Array<{
      name: string;
      value: string;
      expires?: Date;
      maxAge?: number;
    }>) {
      const expired = (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0;
      if (expired || cookie.value === "") this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

/** Starts a sign-in: GET /login and returns the authorize URL the BFF redirected to. */
export async function startLogin(app: FastifyInstance, jar: CookieJar, returnTo?: string): Promise<URL> {
  const res = await app.inject({
    method: "GET",
    url: returnTo === undefined ? "/login" : `/login?returnTo=${encodeURIComponent(returnTo)}`,
    headers: { cookie: jar.header() },
  });
  if (res.statusCode !== 302) throw new Error(`/login answered ${res.statusCode}: ${res.body}`);
  jar.update(res);
  return new URL(String(res.headers.location));
}

/** Follows the emulator's redirect back to /getAToken with the jar's cookies. */
export async function callback(
  app: FastifyInstance,
  jar: CookieJar,
  redirect: URL,
): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method: "GET",
    url: `${redirect.pathname}${redirect.search}`,
    headers: { cookie: jar.header() },
  });
  jar.update(res);
  return res;
}

/**
 * Signs `username` in through /login → the emulator's picker → /getAToken and returns the jar
 * holding the session cookie.
 */
export async function signIn(
  app: FastifyInstance,
  emulator: Emulator,
  username: string,
  jar = new CookieJar(),
): Promise<CookieJar> {
  const authorizeUrl = await startLogin(app, jar);
  const redirect = await emulator.signIn(authorizeUrl.toString(), username);
  const res = await callback(app, jar, redirect);
  if (res.statusCode !== 302) throw new Error(`/getAToken answered ${res.statusCode}: ${res.body}`);
  return jar;
}

/** GET an /api route with the CSRF header and the jar's cookies. */
export function api(
  app: FastifyInstance,
  jar: CookieJar | undefined,
  url: string,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: "GET",
    url,
    headers: { "x-csrf": "1", ...(jar ? { cookie: jar.header() } : {}), ...headers },
  });
}

export const ADELE = "AdeleV@M365x214355.onmicrosoft.com";
