// A small OTLP/HTTP (JSON) trace receiver for tests, and a recording proxy for upstream headers.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** Attribute values flattened to strings/numbers/booleans. */
  attributes: Record<string, string | number | boolean>;
  status?: { code?: number };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: OtlpValue }> };
    scopeSpans?: Array<{
      spans?: Array<
        Omit<ReceivedSpan, "attributes"> & { attributes?: Array<{ key: string; value: OtlpValue }> }
      >;
    }>;
  }>;
}

function flatten(value: OtlpValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  return value.doubleValue ?? "";
}

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Every `service.name` the exports carried. */
  services: Set<string>;
  /** Every raw request body, for "nothing secret anywhere" checks. */
  raw: string[];
  close(): Promise<void>;
}

/** Accepts POST /v1/traces with OTLP JSON, as the collector would, and keeps the spans. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const services = new Set<string>();
  const raw: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method !== "POST" || req.url !== "/v1/traces" || !req.headers["content-type"]?.includes("json")) {
      res.writeHead(415).end();
      return;
    }
    raw.push(body);
    const parsed = JSON.parse(body) as OtlpRequest;
    for (const resourceSpans of parsed.resourceSpans ?? []) {
      for (const attribute of resourceSpans.resource?.attributes ?? []) {
        if (attribute.key === "service.name") services.add(String(flatten(attribute.value)));
      }
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          const attributes: ReceivedSpan["attributes"] = {};
          for (const attribute of span.attributes ?? []) attributes[attribute.key] = flatten(attribute.value);
          spans.push({ ...span, attributes });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const url = await listen(server);
  return { url, spans, services, raw, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface RecordingProxy {
  url: string;
  /** The headers of every request the proxy forwarded. */
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Forwards GETs to `target`, remembering each request's headers (to see traceparent arrive). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordingProxy["requests"] = [];
  const server = createServer(async (req, res) => {
    requests.push({ path: req.url ?? "", headers: req.headers });
    const upstream = await fetch(`${target}${req.url}`, {
      headers: {
        authorization: String(req.headers.authorization ?? ""),
        accept: String(req.headers.accept ?? "*/*"),
      },
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "" }).end(body);
  });
  const url = await listen(server);
  return { url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
