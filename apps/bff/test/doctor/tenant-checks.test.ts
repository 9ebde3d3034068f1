import { describe, expect, it } from "vitest";
import { runDoctor } from "../../src/doctor/run.js";
import { freePort } from "../helpers/free-port.js";
import { check, emulator, SESSION_SECRET, tenantEnv, UNKNOWN_GUID } from "./doctor-tenant.js";

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
    const port = await freePort();
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
