// What is wrong with a configuration and how to fix it: shared by the server's start-up and the doctor.

/** A bad or missing setting; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  readonly code = "config_invalid";
  /**
   * Every problem the configuration has, this one first: loadConfig reports them all at once so
   * a person fixes `.env` in one go instead of one restart per variable.
   */
  problems: readonly ConfigError[] = [this];
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

/** Collects ConfigErrors instead of stopping at the first; one problem per variable. */
export class ConfigProblems {
  readonly list: ConfigError[] = [];

  add(error: ConfigError): void {
    // A variable already reported (e.g. invalid, so treated as unset) is not reported again as missing.
    if (!this.has(error.variable)) this.list.push(error);
  }

  has(variable: string): boolean {
    return this.list.some((problem) => problem.variable === variable);
  }

  /** Runs one independent step; a ConfigError is recorded and the result is undefined. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.add(error);
      return undefined;
    }
  }

  /** Throws the first problem, carrying all of them, when there is any. */
  throwIfAny(): void {
    const [first] = this.list;
    if (!first) return;
    first.problems = [...this.list];
    throw first;
  }
}

/** How to fix each variable, beyond the problem's own message (which says what a good value is). */
const FIXES: Record<string, string> = {
  ENTRA_TENANT_ID:
    "Copy the Directory (tenant) ID from the app registration's Overview page in the Entra admin center (or use a verified domain such as contoso.onmicrosoft.com).",
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
  SESSION_SECRET:
    "Generate one with: openssl rand -base64 48 (to rotate, put the new one first: SESSION_SECRET=new,old).",
  PUBLIC_URL: "Set the URL users open, e.g. http://localhost:5000 or https://app.contoso.com.",
  TRUST_PROXY:
    "Set TRUST_PROXY=1 when one proxy or load balancer sits in front of the BFF (its hop count), or list the proxies' IPs/CIDRs, e.g. TRUST_PROXY=10.0.0.0/8.",
  PORT: "Set a free port, e.g. PORT=5000, or remove it for the default.",
  REDIS_URL: "Set redis://host:6379 (rediss:// for TLS), or remove it to keep sessions in memory.",
  REDIS_CLUSTER_NODES:
    "List the Cluster's nodes as host:port,host:port (credentials once, as redis://user:password@host:port or in REDIS_PASSWORD), or remove it; see docs/redis.md.",
  REDIS_SENTINELS:
    "List the sentinels as host:port,host:port and set REDIS_SENTINEL_NAME to the master's name, or remove it; see docs/redis.md.",
  REDIS_SENTINEL_NAME:
    "Set the name from `sentinel monitor <name> …` in sentinel.conf (often mymaster), together with REDIS_SENTINELS.",
  REDIS_SENTINEL_PASSWORD: "Set the sentinels' requirepass, together with REDIS_SENTINELS, or remove it.",
  REDIS_USERNAME:
    "Use it only with REDIS_CLUSTER_NODES or REDIS_SENTINELS; with REDIS_URL put it in the URL.",
  REDIS_PASSWORD:
    "Use it only with REDIS_CLUSTER_NODES or REDIS_SENTINELS; with REDIS_URL put it in the URL.",
  LOG_LEVEL: "Set LOG_LEVEL=info, or remove it for the default.",
  BFF_APIS:
    'Fix the named entry and field of the JSON file (an array of {prefix, upstream, token, scopes, …}; see the README\'s "Your own APIs"), or remove BFF_APIS.',
  LOG_FORMAT: "Set LOG_FORMAT=pretty for readable logs or json for log collectors, or remove it.",
};

/** The fix to show under a problem with `variable`. */
export function fixFor(variable: string): string {
  return FIXES[variable] ?? `Fix ${variable} in .env (see .env.example), or remove it for the default.`;
}

/** Every problem of a failed configuration with its fix, in the doctor's layout. */
export function formatConfigProblems(error: ConfigError): string {
  const count = error.problems.length;
  const lines = [`Configuration error: ${count} problem${count === 1 ? "" : "s"}, nothing started.`];
  for (const problem of error.problems) {
    lines.push(`✗ ${problem.message}`, `    Fix: ${fixFor(problem.variable)}`);
  }
  lines.push("Fix .env (see .env.example) and start again; `pnpm run doctor` checks it without starting.");
  return lines.join("\n");
}
