import { Writable } from "node:stream";
import type { Emulator } from "@entra-bff/entra-emulator";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { type AppConfig, loadConfig } from "../../src/config.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { startEmulatorFor } from "../helpers/emulator.js";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { createCertificate, type TestCertificate } from "./certificates.js";

const PUBLIC_URL = "http://localhost:5000";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The BFF configured only through the environment with a certificate, against an emulator whose
 * app registration has no client secret at all: every token request must carry a client_assertion
 * signed by the certificate's key, or the emulator answers invalid_client.
 */
async function certificateApp(
  cert: TestCertificate,
  passphrase?: string,
): Promise<{ app: FastifyInstance; emulator: Emulator; logs: () => string }> {
  const emulator = await startEmulatorFor({ publicUrl: PUBLIC_URL, certificates: [cert.certPem] });
  cleanups.push(() => emulator.close());
  const config = loadConfig({
    ENTRA_TENANT_ID: emulator.tenantId,
    ENTRA_CLIENT_ID: emulator.client.clientId,
    ENTRA_CLIENT_CERT_PATH: cert.certPath,
    ENTRA_CLIENT_KEY_PATH: cert.keyPath,
    ...(passphrase ? { ENTRA_CLIENT_KEY_PASSPHRASE: passphrase } : {}),
    ENTRA_EMULATOR_URL: emulator.url,
    PUBLIC_URL,
    SESSION_SECRET: "a-certificate-test-session-secret-long-enough",
    WEB_DIST_DIR: "/nonexistent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    LOG_LEVEL: "debug",
  });
  if (config.idp.mode !== "entra") throw new Error("expected a real-tenant config");
  expect(config.idp.credential.kind).toBe("certificate");
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp(config as AppConfig, { store: createMemoryStore(), logStream });
  cleanups.push(() => app.close());
  return { app, emulator, logs: () => lines.join("") };
}

// RSA key generation and full sign-ins are slow on a busy 2-core machine.
describe("sign-in with a certificate credential", { timeout: 30_000 }, () => {
  it("signs in, calls Graph and refreshes with client assertions only", async () => {
    const cert = await createCertificate();
    const { app, emulator, logs } = await certificateApp(cert);

    const jar = await signIn(app, emulator, ADELE);
    const me = await api(app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: ADELE });

    // A token this short-lived is inside the renewal window at once, so the next call refreshes.
    // (Not advanceClock: the emulator would then judge MSAL's fresh assertions as expired.)
    emulator.setTokenLifetimes({ accessTokenSeconds: 60 });
    await signIn(app, emulator, ADELE, jar);
    expect((await api(app, jar, "/api/me")).statusCode).toBe(200);

    const codeRedemptions = emulator.requests({ grantType: "authorization_code" });
    const refreshes = emulator.requests({ grantType: "refresh_token" });
    expect(codeRedemptions.map((r) => r.status)).toEqual([200, 200]);
    expect(refreshes.map((r) => r.status)).toEqual([200]);
    // The private key never reaches the logs.
    expect(logs()).not.toContain("PRIVATE KEY");
  });

  it("signs in with a passphrase-encrypted key", async () => {
    const passphrase = "an encrypted key passphrase";
    const cert = await createCertificate({ passphrase });
    const { app, emulator, logs } = await certificateApp(cert, passphrase);
    const jar = await signIn(app, emulator, ADELE);
    expect((await api(app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });
    expect(logs()).not.toContain(passphrase);
  });

  it("shows AADSTS700027 on the error page when the certificate is not registered on the app", async () => {
    const [registered, other] = await Promise.all([createCertificate(), createCertificate()]);
    const { app, emulator } = await certificateApp(registered);
    // Same emulator, but the BFF now signs with a certificate the app registration does not know.
    const config = loadConfig({
      ENTRA_TENANT_ID: emulator.tenantId,
      ENTRA_CLIENT_ID: emulator.client.clientId,
      ENTRA_CLIENT_CERT_PATH: other.certPath,
      ENTRA_CLIENT_KEY_PATH: other.keyPath,
      ENTRA_EMULATOR_URL: emulator.url,
      PUBLIC_URL,
      SESSION_SECRET: "a-certificate-test-session-secret-long-enough",
      WEB_DIST_DIR: "/nonexistent",
      LOG_LEVEL: "silent",
    });
    await app.close();
    const wrongApp = await buildApp(config as AppConfig, { store: createMemoryStore() });
    cleanups.push(() => wrongApp.close());
    await expect(signIn(wrongApp, emulator, ADELE)).rejects.toThrow(/AADSTS700027/);
  });
});
