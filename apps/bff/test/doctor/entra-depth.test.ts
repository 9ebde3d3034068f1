import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG, type Emulator } from "@entra-bff/entra-emulator";
import { describe, expect, it } from "vitest";
import { checkCloud } from "../../src/doctor/checks/cloud.js";
import { runDoctor } from "../../src/doctor/run.js";
import { emulatorForTest } from "../helpers/emulator.js";
import { check, tenantEnv as env } from "./doctor-tenant.js";

const FABRIKAM = "a3b5c7d9-2e4f-4a6b-8c0d-1e3f5a7b9c11";

/** The built-in tenant with its default client changed, for one test. */
function emulator(overrides: Record<string, unknown> = {}): Promise<Emulator> {
  const [primary, ...rest] = DEFAULT_CONFIG.clients;
  if (!primary) throw new Error("the default tenant has no client");
  return emulatorForTest({ config: { ...DEFAULT_CONFIG, clients: [{ ...primary, ...overrides }, ...rest] } });
}

/** Workload identity: a token file instead of the secret. */
function assertionEnv(assertion: string): Record<string, string | undefined> {
  const path = join(mkdtempSync(join(tmpdir(), "doctor-wi-")), "token");
  writeFileSync(path, assertion);
  return { ENTRA_CLIENT_SECRET: undefined, ENTRA_CLIENT_ASSERTION_FILE: path };
}

describe("doctor: multi-tenant settings", () => {
  it("fails the configuration when organizations comes without ENTRA_ALLOWED_TENANTS", async () => {
    const emu = await emulator();
    const report = await runDoctor(env(emu, { ENTRA_TENANT_ID: "organizations" }));
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => `${c.status} ${c.detail}`).join("\n")).toMatch(
      /fail .*ENTRA_ALLOWED_TENANTS.*is required with ENTRA_TENANT_ID=organizations/,
    );
  });

  it("warns about * and passes a list, naming the registration's supported account types", async () => {
    const emu = await emulator({ signInAudience: "AzureADMultipleOrgs" });
    const star = check(
      (await runDoctor(env(emu, { ENTRA_TENANT_ID: "organizations", ENTRA_ALLOWED_TENANTS: "*" }))).checks,
      "tenancy",
    );
    expect(star.status).toBe("warn");
    expect(star.detail).toContain("every Microsoft Entra organisation");
    const listed = check(
      (
        await runDoctor(
          env(emu, { ENTRA_TENANT_ID: "common", ENTRA_ALLOWED_TENANTS: `${emu.tenantId},${FABRIKAM}` }),
        )
      ).checks,
      "tenancy",
    );
    expect(listed.status).toBe("pass");
    expect(listed.detail).toContain(FABRIKAM);
    expect(listed.detail).toContain("AzureADMultipleOrgs");
  });
});

describe("doctor: groups", () => {
  it("names GroupMember.Read.All and admin consent for the groups overage, and the filter's size", async () => {
    const emu = await emulator();
    const groups = check((await runDoctor(env(emu, { ENTRA_GROUPS_FILTER: FABRIKAM }))).checks, "groups");
    expect(groups.detail).toContain("GroupMember.Read.All");
    expect(groups.detail).toContain("admin consent");
    expect(groups.detail).toContain("1 group(s) of ENTRA_GROUPS_FILTER");
  });
});

describe("doctor: workload identity (ENTRA_CLIENT_ASSERTION_FILE)", () => {
  it("passes with a token file the app's federated credential trusts, proven at the token endpoint", async () => {
    const emu = await emulator();
    const report = await runDoctor(env(emu, assertionEnv(await emu.mintWorkloadAssertion())));
    expect(check(report.checks, "credential")).toMatchObject({ status: "pass" });
    expect(check(report.checks, "credential").detail).toContain("system:serviceaccount:default:entra-bff");
    expect(check(report.checks, "client-credential")).toMatchObject({ status: "pass" });
    expect(report.ok).toBe(true);
  });

  it("explains AADSTS700213 (subject mismatch) with the fix", async () => {
    const emu = await emulator();
    const assertion = await emu.mintWorkloadAssertion({ subject: "system:serviceaccount:prod:other" });
    const result = check((await runDoctor(env(emu, assertionEnv(assertion)))).checks, "client-credential");
    expect(result.status).toBe("fail");
    expect(result.detail).toContain("AADSTS700213");
    expect(result.fix).toContain("system:serviceaccount:<namespace>:<service account>");
  });

  it("explains AADSTS70021 when the app has no federated credential", async () => {
    const emu = await emulator({ federatedCredentials: [] });
    const result = check(
      (await runDoctor(env(emu, assertionEnv(await emu.mintWorkloadAssertion())))).checks,
      "client-credential",
    );
    expect(result.status).toBe("fail");
    expect(result.detail).toContain("AADSTS70021");
    expect(result.fix).toContain("Federated credentials");
  });

  it("fails on an expired token file, naming AADSTS700024, and on a file that is not a JWT", async () => {
    const emu = await emulator();
    emu.advanceClock(-7200);
    const stale = await emu.mintWorkloadAssertion({ lifetimeSeconds: 600 });
    emu.advanceClock(7200);
    const expired = check((await runDoctor(env(emu, assertionEnv(stale)))).checks, "credential");
    expect(expired).toMatchObject({ status: "fail" });
    expect(expired.detail).toContain("AADSTS700024");
    const garbage = check((await runDoctor(env(emu, assertionEnv("not a token")))).checks, "credential");
    expect(garbage).toMatchObject({ status: "fail" });
    expect(garbage.detail).toContain("is not a readable JWT");
  });
});

describe("doctor: managed identity (ENTRA_CLIENT_CREDENTIAL=managed-identity)", () => {
  it("names the managed identity source and passes the token endpoint with the identity's token", async () => {
    const emu = await emulator();
    Object.assign(process.env, emu.managedIdentityEnv);
    const report = await runDoctor(
      env(emu, {
        ENTRA_CLIENT_SECRET: undefined,
        ENTRA_CLIENT_CREDENTIAL: "managed-identity",
        ENTRA_MANAGED_IDENTITY_CLIENT_ID: "6e8a0c2e-4f6b-4d8f-8b2c-3d5e7f9a1b02",
      }),
    );
    expect(check(report.checks, "credential").detail).toContain("user-assigned managed identity");
    expect(check(report.checks, "client-credential")).toMatchObject({ status: "pass" });
  });
});

describe("doctor: External ID authority", () => {
  it("recognises a ciamlogin.com host and names its issuer format", async () => {
    const idp = {
      mode: "entra" as const,
      tenantId: "11111111-2222-4333-8444-555555555555",
      clientId: "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10",
      credential: { kind: "secret" as const, secret: "x" },
      authorityHost: "https://contoso.ciamlogin.com",
      graphBaseUrl: "https://graph.microsoft.com",
      emulator: false,
    };
    const result = await checkCloud({ idp } as Parameters<typeof checkCloud>[0]);
    expect(result.status).toBe("pass");
    expect(result.detail).toContain("External ID");
    expect(result.detail).toContain(".ciamlogin.com/<tenant id>/v2.0");
  });
});
