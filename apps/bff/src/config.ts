// Skeleton: the BFF core issue replaces this with the full TypeBox-validated configuration.
// The only file of apps/bff that reads process.env.
export interface Config {
  port: number;
  host: string;
  webDistDir: string;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`);
  }
  return {
    port,
    host: env.HOST ?? "localhost",
    webDistDir: env.WEB_DIST_DIR ?? new URL("../../web/dist", import.meta.url).pathname,
    logLevel: env.LOG_LEVEL ?? "info",
  };
}
