import { randomUUID } from "node:crypto";

/** How an Entra error reaches the caller: JSON body, a redirect to the app, or Entra's own HTML page. */
export type AadErrorDelivery = "json" | "redirect" | "page";

export interface AadErrorOptions {
  status?: number;
  suberror?: string;
  /** A claims challenge (JSON string) the client must pass to its next authorize request. */
  claims?: string;
  delivery?: AadErrorDelivery;
}

/**
 * An Entra ID (AADSTS) error. One type for every protocol error so the body shape is rendered in
 * exactly one place: `error`, `error_description` ("AADSTSnnnn: ..." + trace lines), `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 */
export class AadError extends Error {
  override name = "AadError";
  readonly status: number;
  readonly suberror: string | undefined;
  readonly claims: string | undefined;
  readonly delivery: AadErrorDelivery;

  constructor(
    readonly error: string,
    readonly code: number,
    readonly text: string,
    options: AadErrorOptions = {},
  ) {
    super(`AADSTS${code}: ${text}`);
    // Entra answers invalid_client with 401 and every other token error with 400.
    this.status = options.status ?? (error === "invalid_client" ? 401 : 400);
    this.suberror = options.suberror;
    this.claims = options.claims;
    this.delivery = options.delivery ?? "json";
  }
}

/** Entra's timestamp format: `yyyy-MM-dd HH:mm:ssZ`. */
export function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri?: string;
  suberror?: string;
  claims?: string;
}

/** Codes whose captured Entra bodies carry no `error_uri` (65001: two captures, years apart). */
const NO_ERROR_URI = new Set([65001]);

/** Renders the JSON body Entra sends for an error; `correlationId` echoes `client-request-id`. */
export function renderAadError(err: AadError, now: Date, correlationId?: string): AadErrorBody {
  const traceId = randomUUID();
  const correlation = correlationId && /^[\w-]{1,64}$/.test(correlationId) ? correlationId : randomUUID();
  const timestamp = entraTimestamp(now);
  const body: AadErrorBody = {
    error: err.error,
    error_description: `${err.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
  };
  if (!NO_ERROR_URI.has(err.code))
    body.error_uri = `https://login.microsoftonline.com/error?code=${err.code}`;
  if (err.suberror) body.suberror = err.suberror;
  if (err.claims) body.claims = err.claims;
  return body;
}

/** A Microsoft Graph error: `{"error":{"code","message","innerError":{...}}}`. */
export class GraphError extends Error {
  override name = "GraphError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Renders Graph's error envelope; `innerError.date` has no `Z`, as Graph sends it. */
export function renderGraphError(err: GraphError, now: Date, requestId: string, clientRequestId: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      innerError: {
        date: now.toISOString().slice(0, 19),
        "request-id": requestId,
        "client-request-id": clientRequestId,
      },
    },
  };
}
