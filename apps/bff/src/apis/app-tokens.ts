import type { ConfidentialClientApplication } from "@azure/msal-node";
import { AuthError, ServerError } from "@azure/msal-node";
import type { MsalClientFactory } from "../auth/msal-client.js";
import { AppError } from "../errors.js";
import { defaultScopeOf } from "./scopes.js";

/**
 * App-only tokens (client credentials, `<resource>/.default`) for `token: "app"` APIs: one MSAL
 * client for the whole process, whose in-memory cache holds one token per resource (app tokens
 * belong to no user, so they are shared process-wide); concurrent misses share one request.
 */
export class AppTokens {
  #client: ConfidentialClientApplication | undefined;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(private readonly msal: () => Promise<MsalClientFactory>) {}

  get(resource: string): Promise<string> {
    let flight = this.#inflight.get(resource);
    if (!flight) {
      flight = this.#acquire(resource).finally(() => this.#inflight.delete(resource));
      this.#inflight.set(resource, flight);
    }
    return flight;
  }

  async #acquire(resource: string): Promise<string> {
    this.#client ??= (await this.msal())();
    try {
      const result = await this.#client.acquireTokenByClientCredential({
        scopes: [defaultScopeOf(resource)],
      });
      if (!result?.accessToken) throw new Error("the token endpoint returned no access token");
      return result.accessToken;
    } catch (error) {
      // Entra refused (unknown resource, no application permission): a configuration problem.
      if (error instanceof ServerError) {
        throw new AppError("upstream_error", 502, "Entra ID refused an app token for this API.", {
          cause: error,
        });
      }
      if (error instanceof AuthError) {
        throw new AppError(
          "upstream_unavailable",
          503,
          "Could not get a token for this API; try again shortly.",
          {
            cause: error,
            retryAfter: 5,
          },
        );
      }
      throw error;
    }
  }
}
