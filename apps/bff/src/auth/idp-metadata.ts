import type { FastifyBaseLogger } from "fastify";

/** The fields of the OIDC discovery document the BFF relies on. */
export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  [field: string]: unknown;
}

export interface IdpMetadataOptions {
  discoveryUrl: string;
  log: FastifyBaseLogger;
  /** Per attempt. */
  timeoutMs?: number;
  /** First retry delay; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Loads the tenant's OIDC discovery document ourselves (MSAL's own discovery errors are opaque),
 * retrying with backoff in the background until it succeeds, so a down IdP at start-up never
 * crashes the BFF: /readyz stays false and sign-in shows a clear page meanwhile.
 */
export class IdpMetadata {
  #current: OidcMetadata | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Array<(metadata: OidcMetadata) => void> = [];
  readonly #options: Required<IdpMetadataOptions>;

  constructor(options: IdpMetadataOptions) {
    this.#options = { timeoutMs: 5000, initialDelayMs: 500, maxDelayMs: 30_000, ...options };
  }

  /** The document, once loaded. */
  get current(): OidcMetadata | undefined {
    return this.#current;
  }

  /** Starts loading; resolves after the first attempt (successful or not). */
  async start(): Promise<void> {
    await this.#attempt(this.#options.initialDelayMs);
  }

  /** Resolves with the document, or undefined if it is not loaded within `timeoutMs`. */
  async waitFor(timeoutMs: number): Promise<OidcMetadata | undefined> {
    if (this.#current) return this.#current;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.#waiters.push((metadata) => {
        clearTimeout(timer);
        resolve(metadata);
      });
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #attempt(nextDelayMs: number): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#current = await this.#fetch();
      this.#options.log.info({ issuer: this.#current.issuer }, "identity provider metadata loaded");
      for (const wake of this.#waiters.splice(0)) wake(this.#current);
    } catch (error) {
      this.#options.log.error(
        { discoveryUrl: this.#options.discoveryUrl, cause: describe(error), retryInMs: nextDelayMs },
        "cannot load the identity provider's OpenID configuration; sign-in is unavailable until it loads",
      );
      this.#timer = setTimeout(
        () => void this.#attempt(Math.min(nextDelayMs * 2, this.#options.maxDelayMs)),
        nextDelayMs,
      );
      this.#timer.unref();
    }
  }

  async #fetch(): Promise<OidcMetadata> {
    const response = await fetch(this.#options.discoveryUrl, {
      signal: AbortSignal.timeout(this.#options.timeoutMs),
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status} from the discovery endpoint`);
    const body = (await response.json()) as Partial<OidcMetadata>;
    for (const field of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
      if (typeof body[field] !== "string") throw new Error(`the discovery document has no "${field}"`);
    }
    return body as OidcMetadata;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
