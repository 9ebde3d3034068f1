/** Why a request never got an HTTP answer, in words a person can act on. */
export interface NetworkProblem {
  kind: "dns" | "refused" | "timeout" | "tls" | "network";
  detail: string;
  fix: string;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** Classifies a failed `fetch` (undici puts the system error code on `error.cause.code`). */
export function describeNetworkError(error: unknown, url: string, timeoutMs: number): NetworkProblem {
  const host = new URL(url).host;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return {
      kind: "timeout",
      detail: `${host} did not answer within ${timeoutMs} ms.`,
      fix: "Check the network, firewall and any outbound proxy between this machine and the host.",
    };
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown }) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NODATA") {
    return {
      kind: "dns",
      detail: `The host name ${new URL(url).hostname} cannot be resolved (DNS ${code}).`,
      fix: "Check the spelling of ENTRA_AUTHORITY_HOST and this machine's DNS settings.",
    };
  }
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return {
      kind: "refused",
      detail: `Cannot connect to ${host} (${code}).`,
      fix: "Check ENTRA_AUTHORITY_HOST, and that a firewall or proxy allows outbound https to it.",
    };
  }
  if (TLS_CODES.test(code)) {
    return {
      kind: "tls",
      detail: `The TLS certificate of ${host} is not trusted (${code}).`,
      fix: "Behind a TLS-inspecting proxy, start Node with NODE_EXTRA_CA_CERTS=/path/to/proxy-ca.pem.",
    };
  }
  const message =
    typeof cause?.message === "string"
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  return {
    kind: "network",
    detail: `The request to ${host} failed: ${message}${code ? ` (${code})` : ""}.`,
    fix: "Check ENTRA_AUTHORITY_HOST and the network between this machine and the host.",
  };
}
