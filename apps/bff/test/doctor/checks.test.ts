import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DoctorContext } from "../../src/doctor/check.js";
import { graphDefaultScope } from "../../src/doctor/checks/client-credential.js";
import { checkCloud } from "../../src/doctor/checks/cloud.js";
import { looksLikeSecretId } from "../../src/doctor/checks/credential.js";
import { checkRedirectUri } from "../../src/doctor/checks/redirect-uri.js";
import { checkSessionSecrets } from "../../src/doctor/checks/session-secrets.js";
import { formatReport } from "../../src/doctor/format.js";
import { describeNetworkError } from "../../src/doctor/network-error.js";

const BASE_ENV = {
  ENTRA_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  ENTRA_CLIENT_SECRET: "abc8Q~a-secret-value",
  SESSION_SECRET: "a-checks-test-session-secret-long-enough-xx",
};

/** A context for the checks that need no network. */
function context(env: Record<string, string> = {}): DoctorContext {
  const config = loadConfig({ ...BASE_ENV, ...env });
  if (config.idp.mode !== "entra") throw new Error("expected a real-tenant config");
  return { env: { ...BASE_ENV, ...env }, config, idp: config.idp, now: new Date(), timeoutMs: 1000 };
}

describe("the cloud check", () => {
  it.each([
    [{}, "pass", "global"],
    [
      {
        ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us",
        GRAPH_BASE_URL: "https://graph.microsoft.us",
      },
      "pass",
      "US Government",
    ],
    [
      {
        ENTRA_AUTHORITY_HOST: "https://login.chinacloudapi.cn",
        GRAPH_BASE_URL: "https://microsoftgraph.chinacloudapi.cn",
      },
      "pass",
      "China",
    ],
    [{ ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us" }, "warn", "graph.microsoft.com"],
    [{ ENTRA_AUTHORITY_HOST: "https://login.example.com" }, "warn", "not a known"],
  ])("judges %j as %s", async (env, status, text) => {
    const checked = await checkCloud(context(env));
    expect(checked.status).toBe(status);
    expect(checked.detail).toContain(text);
  });

  it("tells how to fix a Graph host from another cloud", async () => {
    const checked = await checkCloud(context({ ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us" }));
    expect(checked.fix).toBe("Set GRAPH_BASE_URL to https://graph.microsoft.us for Azure US Government.");
  });
});

describe("the redirect URI check", () => {
  it("names the exact Web redirect URI to register", async () => {
    const checked = await checkRedirectUri(context({ PUBLIC_URL: "https://app.contoso.com/portal/" }));
    expect(checked.status).toBe("pass");
    expect(checked.detail).toContain(
      "https://app.contoso.com/portal/getAToken and https://app.contoso.com/portal/ (where sign-out returns) under Authentication",
    );
  });

  it("fails for http on a host other than localhost", async () => {
    const checked = await checkRedirectUri(context({ PUBLIC_URL: "http://app.contoso.com" }));
    expect(checked.status).toBe("fail");
    expect(checked.fix).toContain("https");
  });

  it("accepts http on localhost", async () => {
    expect((await checkRedirectUri(context({ PUBLIC_URL: "http://localhost:5000" }))).status).toBe("pass");
  });
});

describe("the client credential check's scope", () => {
  it("asks for the configured cloud's Graph resource", () => {
    const idp = context({ GRAPH_BASE_URL: "https://graph.microsoft.us" }).idp;
    expect(graphDefaultScope(idp)).toBe("https://graph.microsoft.us/.default");
  });
});

describe("looksLikeSecretId", () => {
  it.each([
    ["8f3c1e2a-4b5d-4c6e-9f70-112233445566", true],
    [" 8F3C1E2A-4B5D-4C6E-9F70-112233445566 ", true],
    ["Abc8Q~sOmEsEcReTvAlUe_0123456789abcdefgh", false],
  ])("says %j → %s", (secret, expected) => {
    expect(looksLikeSecretId(secret)).toBe(expected);
  });
});

describe("describeNetworkError", () => {
  const failed = (code: string) =>
    new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "refused"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["EPROTO", "network"],
  ])("classifies %s as %s", (code, kind) => {
    expect(describeNetworkError(failed(code), "https://login.microsoftonline.com/x", 1000).kind).toBe(kind);
  });

  it("classifies an abort by timeout", () => {
    const error = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const problem = describeNetworkError(error, "https://login.microsoftonline.com/x", 1234);
    expect(problem).toMatchObject({ kind: "timeout" });
    expect(problem.detail).toContain("1234 ms");
  });
});

describe("formatReport", () => {
  it("prints a mark per check and a fix under failures and warnings only", () => {
    const text = formatReport({
      ok: false,
      checks: [
        { id: "a", title: "First", status: "pass", detail: "fine", fix: "never shown" },
        { id: "b", title: "Second", status: "fail", detail: "broken", fix: "do this" },
        { id: "c", title: "Third", status: "warn", detail: "odd", fix: "look" },
        { id: "d", title: "Fourth", status: "skip", detail: "n/a" },
      ],
    });
    expect(text).toContain("✓ First: fine");
    expect(text).toContain("✗ Second: broken\n    Fix: do this");
    expect(text).toContain("! Third: odd\n    Fix: look");
    expect(text).toContain("- Fourth: n/a");
    expect(text).not.toContain("never shown");
    expect(text).toContain("1 failed, 1 warning(s), 1 passed, 1 skipped.");
    expect(text).not.toContain("\u001b[");
  });
});

describe("the session-secrets check", () => {
  const OLD = "an-older-session-secret-still-accepted-0123";
  it.each([
    [BASE_ENV.SESSION_SECRET, /^1 session secret active/],
    [`${BASE_ENV.SESSION_SECRET},${OLD}`, /^2 session secrets active: .*other one still work/],
  ])("shows how many secrets are active", (secrets, detail) => {
    const { env, config } = context({ SESSION_SECRET: secrets });
    const found = checkSessionSecrets(env, config);
    expect(found).toMatchObject({ id: "session-secrets", status: "pass" });
    expect(found.detail).toMatch(detail);
    expect(found.detail).not.toContain(OLD);
    expect(found.detail).not.toContain(BASE_ENV.SESSION_SECRET);
  });
});
