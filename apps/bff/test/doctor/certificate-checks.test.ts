import { describe, expect, it } from "vitest";
import { runDoctor } from "../../src/doctor/run.js";
import { createCertificate } from "./certificates.js";
import { certificateEnv, check, emulator, tenantEnv } from "./doctor-tenant.js";

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
