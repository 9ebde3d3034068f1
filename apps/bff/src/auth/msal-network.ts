import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/**
 * MSAL's HTTP client for the IdP with a deadline on every request. MSAL's own client sets none on
 * POSTs, so a token endpoint that never answers would hang the sign-in callback and every refresh.
 * Any failure here (timeout, refused connection, a non-JSON 5xx page) reaches the caller as MSAL's
 * `ClientAuthError network_error`, which the BFF shows as "identity provider unavailable".
 * @see https://learn.microsoft.com/entra/msal/javascript/node/configuration#system-config-options
 */
export function timedNetworkClient(timeoutMs: number): INetworkModule {
  async function send<T>(
    url: string,
    method: "GET" | "POST",
    options: NetworkRequestOptions | undefined,
    timeout = timeoutMs,
  ): Promise<NetworkResponse<T>> {
    const signal = AbortSignal.timeout(Math.min(timeout, timeoutMs));
    const response = await fetch(url, {
      method,
      headers: options?.headers ?? {},
      ...(method === "POST" ? { body: options?.body ?? "" } : {}),
      signal,
    });
    const text = await response.text();
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      throw new Error(`the identity provider answered HTTP ${response.status} without JSON`);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { headers, body, status: response.status };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, "GET", options, timeout),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}
