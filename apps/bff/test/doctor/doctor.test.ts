import { createServer } from "node:net";
import { DEFAULT_CONFIG, type Emulator, startEmulator } from "@entra-bff/entra-emulator";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/doctor/check.js";
import { runDoctor } from "../../src/doctor/run.js";
import { startRedisServer } from "../helpers/redis-server.js";
import { createCertificate } from "./certificates.js";

const SESSION_SECRET = "a-doctor-test-session-secret-that-is-long-enough";
const UNKNOWN_GUID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

const emulators: Emulator[] = [];
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});

async function emulator(certificates?: string[]): Promise<Emulator> {
  const primary = DEFAULT_CONFIG.clients[0];
  if (!primary) throw new Error("the default tenant has no client");
  const started = await startEmulator(
    certificates
      ? // A client that only knows certificates: a sign-in can succeed only with a client_assertion.
        { config: { ...DEFAULT_CONFIG, clients: [{ ...primary, clientSecrets: [], certificates }] } }
      : {},
  );
  emulators.push(started);
  return started;
}

/** A real-tenant environment pointing at the emulator (ENTRA_EMULATOR_URL allows its http URLs). */
function tenantEnv(emu: Emulator, overrides: Record<string, string | undefined> = {}) {
  return {
    ENTRA_TENANT_ID: emu.tenantId,
    ENTRA_CLIENT_ID: emu.client.clientId,
    ENTRA_CLIENT_SECRET: emu.client.clientSecret,
    ENTRA_EMULATOR_URL: emu.url,
    SESSION_SECRET,
    ...overrides,
  };
}

/** A certificate credential instead of the emulator's client secret. */
function certificateEnv(certPath: string, keyPath: string): Record<string, string | undefined> {
  return { ENTRA_CLIENT_SECRET: undefined, ENTRA_CLIENT_CERT_PATH: certPath, ENTRA_CLIENT_KEY_PATH: keyPath };
}

function check(checks: CheckResult[], id: string): CheckResult {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check "${id}" in ${checks.map((c) => c.id).join(", ")}`);
  return found;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe("runDoctor against the emulator", { timeout: 30_000 }, () => {
  it("passes every check with a correct client secret", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu));
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["configuration", "pass"],
      ["session-secrets", "pass"],
      ["identifiers", "pass"],
      ["credential", "pass"],
      ["cloud", "pass"],
      ["tenancy", "pass"],
      ["groups", "pass"],
      ["redirect-uri", "pass"],
      ["oidc-metadata", "pass"],
      ["client-credential", "pass"],
      ["redis", "skip"],
    ]);
    expect(check(report.checks, "redirect-uri").detail).toContain("http://localhost:5000/getAToken");
    expect(emu.requests({ grantType: "client_credentials" })).toHaveLength(1);
  });

  it("reports a configuration error as the first failed check and stops there", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { SESSION_SECRET: undefined }));
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ id: "configuration", status: "fail" });
    expect(report.checks[0]?.detail).toMatch(/^SESSION_SECRET: is required/);
    expect(report.checks[0]?.fix).toContain("openssl rand");
    expect(emu.requests()).toHaveLength(0);
  });

  it("explains AADSTS90002 when the tenant does not exist, and skips the credential check", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_TENANT_ID: UNKNOWN_GUID }));
    expect(report.ok).toBe(false);
    const metadata = check(report.checks, "oidc-metadata");
    expect(metadata.status).toBe("fail");
    expect(metadata.detail).toContain(`Tenant "${UNKNOWN_GUID}" was not found`);
    expect(metadata.detail).toContain("AADSTS90002");
    expect(metadata.fix).toContain("Directory (tenant) ID");
    expect(check(report.checks, "client-credential").status).toBe("skip");
  });

  it("tells an unreachable host apart from an unknown tenant", async () => {
    const emu = await emulator();
    const port = await closedPort();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_AUTHORITY_HOST: `http://127.0.0.1:${port}` }));
    const metadata = check(report.checks, "oidc-metadata");
    expect(metadata.status).toBe("fail");
    expect(metadata.detail).toContain(`Cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(metadata.detail).not.toContain("AADSTS");
    expect(metadata.fix).toContain("firewall");
  });

  it("names a DNS failure when the authority host does not resolve", async () => {
    const emu = await emulator();
    const report = await runDoctor(
      tenantEnv(emu, { ENTRA_AUTHORITY_HOST: "http://login.doctor-test.invalid" }),
    );
    const metadata = check(report.checks, "oidc-metadata");
    expect(metadata.status).toBe("fail");
    expect(metadata.detail).toContain("login.doctor-test.invalid cannot be resolved");
  });

  it("explains AADSTS7000215 for a wrong client secret", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_CLIENT_SECRET: "Wrong8Q~not-the-secret-value" }));
    expect(report.ok).toBe(false);
    expect(check(report.checks, "credential").status).toBe("pass");
    const credential = check(report.checks, "client-credential");
    expect(credential.status).toBe("fail");
    expect(credential.detail).toContain("AADSTS7000215");
    expect(credential.fix).toContain("Value (not its ID)");
  });

  it("warns that a GUID secret is the Secret ID, and says so again when Entra rejects it", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_CLIENT_SECRET: UNKNOWN_GUID }));
    expect(check(report.checks, "credential")).toMatchObject({ status: "warn" });
    expect(check(report.checks, "credential").detail).toContain("looks like a Secret ID");
    expect(check(report.checks, "client-credential").detail).toContain("looks like the Secret ID");
  });

  it("explains AADSTS7000222 for an expired client secret", async () => {
    const emu = await emulator();
    emu.queueError("token", 7000222, {
      error: "invalid_client",
      grantType: "client_credentials",
      description: "The provided client secret keys for app are expired.",
    });
    const report = await runDoctor(tenantEnv(emu));
    const credential = check(report.checks, "client-credential");
    expect(credential.status).toBe("fail");
    expect(credential.detail).toContain("AADSTS7000222");
    expect(credential.detail).toContain("expired");
    expect(credential.fix).toContain("new client secret");
  });

  it("explains AADSTS700016 for a client ID the tenant does not know", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_CLIENT_ID: UNKNOWN_GUID }));
    const credential = check(report.checks, "client-credential");
    expect(credential.status).toBe("fail");
    expect(credential.detail).toContain("AADSTS700016");
    expect(credential.fix).toContain("Application (client) ID");
  });

  it("fails when the tenant and client IDs are the same GUID", async () => {
    const emu = await emulator();
    const report = await runDoctor(tenantEnv(emu, { ENTRA_CLIENT_ID: emu.tenantId }));
    expect(check(report.checks, "identifiers")).toMatchObject({ status: "fail" });
    expect(report.ok).toBe(false);
  });

  it("rejects an http authority host for a real tenant", async () => {
    const report = await runDoctor({
      ENTRA_TENANT_ID: UNKNOWN_GUID,
      ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      ENTRA_CLIENT_SECRET: "s3cret~value",
      ENTRA_AUTHORITY_HOST: "http://login.microsoftonline.us",
      SESSION_SECRET,
    });
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]?.detail).toMatch(/^ENTRA_AUTHORITY_HOST: must be an https URL/);
  });

  it("warns, without failing, in emulator mode", async () => {
    const report = await runDoctor({});
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["configuration", "pass"],
      ["session-secrets", "warn"],
      ["tenant", "warn"],
      ["redis", "skip"],
    ]);
  });
});

// RSA key generation is slow on a busy 2-core machine.
describe("runDoctor with a certificate", { timeout: 30_000 }, () => {
  it("passes with a registered certificate, proven by a client_assertion the emulator verified", async () => {
    const cert = await createCertificate();
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, cert.keyPath),
      }),
    );
    expect(report.ok).toBe(true);
    expect(check(report.checks, "credential").detail).toMatch(/SHA-1 thumbprint [0-9A-F]{40}/);
    expect(check(report.checks, "client-credential").status).toBe("pass");
  });

  it("passes with an encrypted key and its passphrase", async () => {
    const cert = await createCertificate({ passphrase: "correct horse battery staple" });
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, cert.keyPath),
        ENTRA_CLIENT_KEY_PASSPHRASE: "correct horse battery staple",
      }),
    );
    expect(report.ok).toBe(true);
  });

  it("fails on the configuration when the passphrase is wrong", async () => {
    const cert = await createCertificate({ passphrase: "correct horse battery staple" });
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, cert.keyPath),
        ENTRA_CLIENT_KEY_PASSPHRASE: "wrong",
      }),
    );
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]?.detail).toContain("wrong ENTRA_CLIENT_KEY_PASSPHRASE?");
  });

  it("fails on the configuration when the key belongs to another certificate", async () => {
    const [cert, other] = await Promise.all([createCertificate(), createCertificate()]);
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, other.keyPath),
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]?.detail).toMatch(/^ENTRA_CLIENT_KEY_PATH: .* is not the private key of /);
    expect(report.checks[0]?.fix).toContain("made together with that certificate");
  });

  it("explains AADSTS700027 when the certificate is not uploaded to the app", async () => {
    const [registered, unregistered] = await Promise.all([createCertificate(), createCertificate()]);
    const emu = await emulator([registered.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(unregistered.certPath, unregistered.keyPath),
      }),
    );
    const credential = check(report.checks, "client-credential");
    expect(credential.status).toBe("fail");
    expect(credential.detail).toContain("AADSTS700027");
    expect(credential.fix).toContain("Upload the certificate");
  });

  it("fails on an expired certificate", async () => {
    const cert = await createCertificate();
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, cert.keyPath),
      }),
      { now: new Date(Date.now() + 400 * 86_400_000) },
    );
    const credential = check(report.checks, "credential");
    expect(credential.status).toBe("fail");
    expect(credential.detail).toContain("expired on");
    expect(credential.fix).toContain("pnpm cert:create");
  });

  it("warns when the certificate expires within 30 days", async () => {
    const cert = await createCertificate();
    const emu = await emulator([cert.certPem]);
    const report = await runDoctor(
      tenantEnv(emu, {
        ...certificateEnv(cert.certPath, cert.keyPath),
      }),
      { now: new Date(Date.now() + 350 * 86_400_000) },
    );
    expect(check(report.checks, "credential")).toMatchObject({ status: "warn" });
    expect(check(report.checks, "credential").detail).toMatch(/expires in \d+ day/);
  });
});

describe("runDoctor with REDIS_URL", { timeout: 30_000 }, () => {
  it("fails when Redis does not answer", async () => {
    const emu = await emulator();
    const port = await closedPort();
    const report = await runDoctor(
      tenantEnv(emu, { REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` }),
      {
        timeoutMs: 500,
      },
    );
    const redis = check(report.checks, "redis");
    expect(redis.status).toBe("fail");
    expect(redis.detail).toContain("Redis cannot be reached");
    expect(JSON.stringify(report)).not.toContain("hunter2-secret");
    expect(report.ok).toBe(false);
  });

  it("passes when Redis answers PING", async () => {
    const redisServer = await startRedisServer();
    try {
      const emu = await emulator();
      const report = await runDoctor(tenantEnv(emu, { REDIS_URL: redisServer.url }));
      expect(check(report.checks, "redis").status).toBe("pass");
      expect(report.ok).toBe(true);
    } finally {
      await redisServer.stop();
    }
  });
});
