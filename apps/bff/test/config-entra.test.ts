import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, type EntraSettings, loadConfig } from "../src/config.js";

const TENANT = "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";
const FABRIKAM = "a3b5c7d9-2e4f-4a6b-8c0d-1e3f5a7b9c11";
const base = {
  ENTRA_TENANT_ID: TENANT,
  ENTRA_CLIENT_ID: "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10",
  ENTRA_CLIENT_SECRET: "s3cret",
  SESSION_SECRET: "a-session-secret-of-at-least-32-characters!!",
};

function idp(env: Record<string, string>): EntraSettings {
  const config = loadConfig(env);
  if (config.idp.mode !== "entra") throw new Error("expected a real tenant");
  return config.idp;
}

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const tokenFile = () => {
  const path = join(mkdtempSync(join(tmpdir(), "bff-wi-")), "token");
  writeFileSync(path, "header.payload.signature\n");
  return path;
};

describe("multi-tenant settings", () => {
  it("requires ENTRA_ALLOWED_TENANTS with organizations or common, naming the fix", () => {
    for (const tenant of ["organizations", "common"]) {
      const [problem] = problems({ ...base, ENTRA_TENANT_ID: tenant });
      expect(problem).toMatch(/^ENTRA_ALLOWED_TENANTS: .*is required with ENTRA_TENANT_ID=/);
      expect(problem).toContain("*");
    }
  });

  it("parses a list (lower-cased, deduplicated) or an explicit *", () => {
    const list = idp({
      ...base,
      ENTRA_TENANT_ID: "organizations",
      ENTRA_ALLOWED_TENANTS: ` ${TENANT.toUpperCase()}, ${FABRIKAM},${TENANT}`,
    });
    expect(list.allowedTenants).toEqual([TENANT, FABRIKAM]);
    expect(idp({ ...base, ENTRA_TENANT_ID: "common", ENTRA_ALLOWED_TENANTS: "*" }).allowedTenants).toBe("*");
  });

  it("refuses ENTRA_ALLOWED_TENANTS for a single-tenant app, and malformed lists", () => {
    expect(problems({ ...base, ENTRA_ALLOWED_TENANTS: FABRIKAM })[0]).toMatch(
      /^ENTRA_ALLOWED_TENANTS: only applies to a multi-tenant app/,
    );
    for (const bad of ["fabrikam.onmicrosoft.com", "*,", `${FABRIKAM},*`]) {
      const found = problems({ ...base, ENTRA_TENANT_ID: "organizations", ENTRA_ALLOWED_TENANTS: bad });
      expect(found[0]).toMatch(/^ENTRA_ALLOWED_TENANTS: invalid value/);
    }
  });
});

describe("ENTRA_GROUPS_FILTER", () => {
  it("is a set of lower-case group ids; anything else names the setting", () => {
    const filter = idp({
      ...base,
      ENTRA_GROUPS_FILTER: `${FABRIKAM.toUpperCase()} , ${TENANT}`,
    }).groupsFilter;
    expect([...(filter ?? [])]).toEqual([FABRIKAM, TENANT]);
    expect(problems({ ...base, ENTRA_GROUPS_FILTER: "Finance" })[0]).toMatch(
      /^ENTRA_GROUPS_FILTER: invalid value/,
    );
  });
});

describe("secretless credentials", () => {
  const { ENTRA_CLIENT_SECRET: _, ...noSecret } = base;

  it("ENTRA_CLIENT_ASSERTION_FILE, or AKS's AZURE_FEDERATED_TOKEN_FILE when no other credential is set", () => {
    const path = tokenFile();
    expect(idp({ ...noSecret, ENTRA_CLIENT_ASSERTION_FILE: path }).credential).toEqual({
      kind: "assertion-file",
      path,
    });
    expect(idp({ ...noSecret, AZURE_FEDERATED_TOKEN_FILE: path }).credential).toEqual({
      kind: "assertion-file",
      path,
    });
    // AKS sets the variable in every workload-identity pod: a configured secret still wins.
    expect(idp({ ...base, AZURE_FEDERATED_TOKEN_FILE: path }).credential.kind).toBe("secret");
  });

  it("names a missing token file and refuses two credentials at once", () => {
    expect(problems({ ...noSecret, ENTRA_CLIENT_ASSERTION_FILE: "/nonexistent/token" })[0]).toMatch(
      /^ENTRA_CLIENT_ASSERTION_FILE: \/nonexistent\/token does not exist/,
    );
    expect(problems({ ...base, ENTRA_CLIENT_ASSERTION_FILE: tokenFile() })[0]).toMatch(
      /^ENTRA_CLIENT_SECRET: set one credential/,
    );
  });

  it("ENTRA_CLIENT_CREDENTIAL=managed-identity, with an optional user-assigned client id", () => {
    expect(idp({ ...noSecret, ENTRA_CLIENT_CREDENTIAL: "managed-identity" }).credential).toEqual({
      kind: "managed-identity",
    });
    const clientId = "6e8a0c2e-4f6b-4d8f-8b2c-3d5e7f9a1b02";
    expect(
      idp({
        ...noSecret,
        ENTRA_CLIENT_CREDENTIAL: "managed-identity",
        ENTRA_MANAGED_IDENTITY_CLIENT_ID: clientId,
      }).credential,
    ).toEqual({ kind: "managed-identity", clientId });
    expect(problems({ ...noSecret, ENTRA_CLIENT_CREDENTIAL: "workload" })[0]).toMatch(
      /^ENTRA_CLIENT_CREDENTIAL: invalid value "workload": use managed-identity/,
    );
    expect(problems({ ...noSecret, ENTRA_MANAGED_IDENTITY_CLIENT_ID: clientId })[0]).toMatch(
      /^ENTRA_MANAGED_IDENTITY_CLIENT_ID: goes with ENTRA_CLIENT_CREDENTIAL=managed-identity/,
    );
  });

  it("a missing credential names every option", () => {
    expect(problems(noSecret)[0]).toMatch(/ENTRA_CLIENT_ASSERTION_FILE.*managed-identity/);
  });
});
