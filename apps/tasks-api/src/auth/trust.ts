import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { ApiError } from "../errors.js";
import { DEFAULT_AUTHORITY_HOST, type TasksApiOptions } from "../options.js";

/** What a token is checked against: the tenant's signing keys and the issuer per tenant. */
export interface Trust {
  keys: JWTVerifyGetKey;
  issuerFor(tenantId: string): string;
}

/** The signing keys cannot be fetched (the authority is down or misconfigured): 503, not 401. */
export class KeysUnavailableError extends ApiError {
  constructor(cause: unknown) {
    super(
      503,
      "keys_unavailable",
      "The API cannot fetch the signing keys of the tenant; try again shortly.",
      {
        cause,
      },
    );
    this.name = "KeysUnavailableError";
  }
}

const FETCH_TIMEOUT_MS = 5_000;

async function discoverJwksUri(discoveryUrl: string): Promise<string> {
  const response = await fetch(discoveryUrl, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    redirect: "error",
  });
  if (!response.ok) throw new Error(`OIDC discovery at ${discoveryUrl} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== "string" || !/^https?:\/\//.test(document.jwks_uri)) {
    throw new Error(`OIDC discovery at ${discoveryUrl} names no jwks_uri`);
  }
  return document.jwks_uri;
}

async function resolveTrust(options: TasksApiOptions): Promise<Trust> {
  const host = (await (options.authorityHost ?? DEFAULT_AUTHORITY_HOST)).replace(/\/+$/, "");
  const template = options.issuer ?? `${host}/{tenantid}/v2.0`;
  // Entra signs every tenant's tokens with the same keys: the first tenant's discovery names them.
  const jwksUri =
    options.jwksUri ??
    (await discoverJwksUri(`${host}/${options.tenantIds[0]}/v2.0/.well-known/openid-configuration`));
  return {
    // jose refetches on an unknown kid (key rotation), at most once per cooldown.
    keys: createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: 30_000,
    }),
    issuerFor: (tenantId) => template.replaceAll("{tenantid}", tenantId),
  };
}

/**
 * Resolves the trust settings at the first request, not at start (so the API may start before,
 * or in parallel with, the authority it trusts), and again after a failure.
 */
export function lazyTrust(options: TasksApiOptions): () => Promise<Trust> {
  // A rejected promise given as authorityHost must not crash the process before the first request.
  if (options.authorityHost instanceof Promise) options.authorityHost.catch(() => {});
  let pending: Promise<Trust> | undefined;
  return () => {
    pending ??= resolveTrust(options).catch((error: unknown) => {
      pending = undefined;
      throw new KeysUnavailableError(error);
    });
    return pending;
  };
}
