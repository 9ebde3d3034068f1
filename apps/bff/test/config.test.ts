import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { createCertificate } from "./doctor/certificates.js";

const TENANT = "dcd219dd-bc68-4b9b-bf0b-4a33a796be35";
const CLIENT = "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10";
const SECRET = "a-session-secret-of-at-least-32-characters!!";
const real = {
  ENTRA_TENANT_ID: TENANT,
  ENTRA_CLIENT_ID: CLIENT,
  ENTRA_CLIENT_SECRET: "s3cret",
  SESSION_SECRET: SECRET,
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs in emulator mode with no settings at all, generating a session secret with a warning", () => {
    const config = loadConfig({});
    expect(config.idp).toEqual({ mode: "emulator", port: 5001 });
    expect(config.sessionSecrets).toHaveLength(1);
    expect(config.sessionSecrets[0]?.length).toBeGreaterThanOrEqual(32);
    expect(config.warnings.join()).toMatch(/SESSION_SECRET/);
    expect(config.redirectUri).toBe("http://localhost:5000/getAToken");
    expect(config.secureCookies).toBe(false);
    expect(config.port).toBe(5000);
    expect(config.preLoginMax).toBe(10_000);
    expect(loadConfig({ PRELOGIN_MAX: "250" }).preLoginMax).toBe(250);
    expect(config.memoryStoreMaxKeys).toBe(400_000);
    // Without PUBLIC_URL the app is where it listens: another PORT moves the redirect URI with it.
    expect(loadConfig({ PORT: "5100" }).redirectUri).toBe("http://localhost:5100/getAToken");
    expect(loadConfig({ PORT: "0" }).redirectUri).toBe("http://localhost:5000/getAToken");
    expect(loadConfig({ PORT: "5100", PUBLIC_URL: "http://localhost:8080" }).redirectUri).toBe(
      "http://localhost:8080/getAToken",
    );
    expect(loadConfig({ MEMORY_STORE_MAX_KEYS: "1000000" }).memoryStoreMaxKeys).toBe(1_000_000);
  });

  it("reads a real tenant with a client secret", () => {
    const config = loadConfig({ ...real, PUBLIC_URL: "https://app.contoso.com/" });
    expect(config.idp).toMatchObject({
      mode: "entra",
      tenantId: TENANT,
      authorityHost: "https://login.microsoftonline.com",
      graphBaseUrl: "https://graph.microsoft.com",
      credential: { kind: "secret", secret: "s3cret" },
    });
    expect(config.redirectUri).toBe("https://app.contoso.com/getAToken");
    expect(config.secureCookies).toBe(true);
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ PUBLIC_URL: "localhost:5000" }, "PUBLIC_URL"],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET"],
    [{ SESSION_IDLE_MINUTES: "0" }, "SESSION_IDLE_MINUTES"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ PRELOGIN_MAX: "0" }, "PRELOGIN_MAX"],
    [{ PRELOGIN_MAX: "many" }, "PRELOGIN_MAX"],
    [{ MEMORY_STORE_MAX_KEYS: "0" }, "MEMORY_STORE_MAX_KEYS"],
    [{ MEMORY_STORE_MAX_KEYS: "lots" }, "MEMORY_STORE_MAX_KEYS"],
    [{ REDIS_URL: "http://redis" }, "REDIS_URL"],
    [{ ENTRA_CLIENT_ID: CLIENT }, "ENTRA_TENANT_ID"],
    [{ ENTRA_TENANT_ID: TENANT }, "ENTRA_CLIENT_ID"],
    [{ ENTRA_TENANT_ID: TENANT, ENTRA_CLIENT_ID: CLIENT, SESSION_SECRET: SECRET }, "ENTRA_CLIENT_SECRET"],
    [{ ENTRA_TENANT_ID: TENANT, ENTRA_CLIENT_ID: "not-a-guid" }, "ENTRA_CLIENT_ID"],
    [{ ENTRA_TENANT_ID: TENANT, ENTRA_CLIENT_ID: CLIENT, ENTRA_CLIENT_SECRET: "x" }, "SESSION_SECRET"],
    [{ ...real, ENTRA_AUTHORITY_HOST: "http://login.example" }, "ENTRA_AUTHORITY_HOST"],
    [{ ...real, GRAPH_BASE_URL: "http://graph.example" }, "GRAPH_BASE_URL"],
    [{ ...real, ENTRA_CLIENT_SECRET: "", ENTRA_CLIENT_KEY_PATH: "/k.pem" }, "ENTRA_CLIENT_CERT_PATH"],
    [
      {
        ...real,
        ENTRA_CLIENT_SECRET: "",
        ENTRA_CLIENT_CERT_PATH: "/nonexistent.pem",
        ENTRA_CLIENT_KEY_PATH: "/k.pem",
      },
      "ENTRA_CLIENT_CERT_PATH",
    ],
  ])("names the variable in the error for %o", (env, variable) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toContain("\n");
  });

  it("lists every bad variable at once, each named, not only the first", () => {
    const error = errorOf({
      ENTRA_TENANT_ID: "not-a-guid",
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_CLIENT_SECRET: "s3cret",
      SESSION_SECRET: SECRET,
      PORT: "http",
      REDIS_URL: "http://redis",
    });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      "ENTRA_TENANT_ID",
      "PORT",
      "REDIS_URL",
    ]);
    for (const problem of error.problems) expect(problem.message).not.toContain("\n");
  });

  it("reports a malformed variable once, not again as missing", () => {
    const error = errorOf({
      ENTRA_TENANT_ID: "not-a-guid",
      ENTRA_CLIENT_ID: "nope",
      SESSION_SECRET: "short",
    });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      "ENTRA_TENANT_ID",
      "ENTRA_CLIENT_ID",
      "SESSION_SECRET",
      "ENTRA_CLIENT_SECRET",
    ]);
    expect(error.problems[2]?.message).toMatch(/^SESSION_SECRET: invalid value "<hidden>"/);
  });

  it.each([
    TENANT,
    TENANT.toUpperCase(),
    "contoso.onmicrosoft.com",
    "login.contoso.com",
    "organizations",
    "common",
    "consumers",
  ])("accepts the tenant form %s", (tenant) => {
    // organizations and common are multi-tenant: they need an allowlist (test/config-entra.test.ts).
    const env = { ...real, ENTRA_TENANT_ID: tenant, ENTRA_ALLOWED_TENANTS: "*" };
    if (tenant !== "organizations" && tenant !== "common")
      delete (env as Partial<typeof env>).ENTRA_ALLOWED_TENANTS;
    expect(loadConfig(env).idp).toMatchObject({ tenantId: tenant });
  });

  it.each([
    "not-a-guid",
    "11111111-2222-3333",
    `${TENANT}x`,
    "contoso",
    "contoso.",
    ".contoso.com",
    "contoso..com",
    "contoso.onmicrosoft.com/v2.0",
    "Organizations-x",
  ])("names %s as a bad ENTRA_TENANT_ID", (tenant) => {
    const error = errorOf({ ...real, ENTRA_TENANT_ID: tenant });
    expect(error.problems.map((problem) => problem.variable)).toEqual(["ENTRA_TENANT_ID"]);
    expect(error.message).toContain("Directory (tenant) ID GUID, a verified domain");
  });

  it("reads a comma-separated SESSION_SECRET as several secrets, newest first", () => {
    const older = "an-older-session-secret-of-32-characters-or-more";
    expect(loadConfig({ ...real, SESSION_SECRET: ` ${SECRET} , ${older} ` }).sessionSecrets).toEqual([
      SECRET,
      older,
    ]);
  });

  it.each([
    [`${SECRET},short-old-secret`, /the second secret has 16 characters/],
    [`${SECRET},`, /the second secret has 0 characters/],
    [`${SECRET},${SECRET}`, /the same secret twice/],
  ])("rejects a bad secret list %#, naming which secret and never showing it", (value, message) => {
    const error = errorOf({ ...real, SESSION_SECRET: value });
    expect(error.variable).toBe("SESSION_SECRET");
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("short-old-secret");
    expect(error.message).not.toContain(SECRET);
  });

  it("never repeats a secret in its error message", () => {
    const error = errorOf({ ...real, SESSION_SECRET: "tooShortButSecret" });
    expect(error.message).not.toContain("tooShortButSecret");
  });

  it("allows http URLs for an external emulator", () => {
    const config = loadConfig({ ...real, ENTRA_EMULATOR_URL: "http://127.0.0.1:5001" });
    expect(config.idp).toMatchObject({
      authorityHost: "http://127.0.0.1:5001",
      graphBaseUrl: "http://127.0.0.1:5001",
      emulator: true,
    });
  });

  it("loads a certificate credential and computes its SHA-256 thumbprint", async () => {
    const { certPath: cert, keyPath: key } = await createCertificate();
    const dir = dirname(cert);
    const expected = execFileSync("openssl", ["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
      .toString()
      .split("=")[1]
      ?.trim()
      .replaceAll(":", "");
    const config = loadConfig({
      ...real,
      ENTRA_CLIENT_SECRET: "",
      ENTRA_CLIENT_CERT_PATH: cert,
      ENTRA_CLIENT_KEY_PATH: key,
    });
    expect(config.idp).toMatchObject({ credential: { kind: "certificate", thumbprintSha256: expected } });

    const otherKey = join(dir, "other.pem");
    execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-out", otherKey], { stdio: "ignore" });
    writeFileSync(join(dir, "unused"), "");
    const error = errorOf({
      ...real,
      ENTRA_CLIENT_SECRET: "",
      ENTRA_CLIENT_CERT_PATH: cert,
      ENTRA_CLIENT_KEY_PATH: otherKey,
    });
    expect(error.variable).toBe("ENTRA_CLIENT_KEY_PATH");
  });
});
