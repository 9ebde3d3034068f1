import { type Config, ConfigError, loadConfig } from "../../config.js";
import { type CheckResult, result } from "../check.js";

const TITLE = "Configuration";

/** How to fix each variable loadConfig may complain about, beyond its own message. */
const FIXES: Record<string, string> = {
  ENTRA_TENANT_ID:
    "Copy the Directory (tenant) ID from the app registration's Overview page in the Entra admin center.",
  ENTRA_CLIENT_ID: "Copy the Application (client) ID from the app registration's Overview page.",
  ENTRA_CLIENT_SECRET:
    "Under Certificates & secrets → Client secrets, create a secret and copy its Value (shown once), not its Secret ID.",
  ENTRA_CLIENT_CERT_PATH:
    "Point it at the PEM certificate uploaded to the app (pnpm cert:create makes one: certs/entra-bff.crt).",
  ENTRA_CLIENT_KEY_PATH:
    "Point it at the private key made together with that certificate (certs/entra-bff.key), and set ENTRA_CLIENT_KEY_PASSPHRASE if the key is encrypted.",
  ENTRA_AUTHORITY_HOST:
    "Use the https sign-in host of your cloud: https://login.microsoftonline.com (global), https://login.microsoftonline.us (US Government), https://login.chinacloudapi.cn (China).",
  GRAPH_BASE_URL:
    "Use the https Graph host of your cloud: https://graph.microsoft.com (global), https://graph.microsoft.us (US Government), https://microsoftgraph.chinacloudapi.cn (China).",
  SESSION_SECRET: "Generate one with: openssl rand -base64 48",
  PUBLIC_URL: "Set the URL users open, e.g. http://localhost:5000 or https://app.contoso.com.",
  TRUST_PROXY:
    "Set TRUST_PROXY=1 when one proxy or load balancer sits in front of the BFF (its hop count), or list the proxies' IPs/CIDRs, e.g. TRUST_PROXY=10.0.0.0/8.",
};

/**
 * Loads the configuration the way the server does. On failure the result carries the variable's
 * error and a fix, and there is no config: the doctor stops there.
 */
export function checkConfiguration(env: Readonly<Record<string, string | undefined>>): {
  result: CheckResult;
  config?: Config;
} {
  try {
    const config = loadConfig({ ...env });
    const mode =
      config.idp.mode === "emulator"
        ? "no ENTRA_* settings, so the app uses its built-in emulator"
        : `a real tenant (${config.idp.tenantId})`;
    return {
      result: result("configuration", TITLE, "pass", `All settings are well-formed: ${mode}.`),
      config,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const fix = FIXES[error.variable] ?? `Fix ${error.variable} in .env (see .env.example).`;
    return { result: result("configuration", TITLE, "fail", error.message, fix) };
  }
}
