// Loaded by server.ts with import() only when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set: without
// it neither this module's work nor the SDK (external to the bundle, imported below on demand) runs.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { instrumentApp } from "./spans.js";

export interface Tracing {
  /** Register first in buildApp: a span per request, child spans for the store, tokens and Graph. */
  plugin: FastifyPluginAsync;
  /** Exports what is buffered and stops (graceful shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK: traces over OTLP/HTTP to the endpoint of the standard OTEL_*
 * variables (the exporter and the resource read them: OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT,
 * OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*, …), W3C trace context propagated to
 * every upstream request made with undici or fetch (Graph, Entra ID).
 * @see https://opentelemetry.io/docs/languages/sdk-configuration/
 */
export async function startTracing(log: FastifyBaseLogger): Promise<Tracing> {
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor },
    { OTLPTraceExporter },
    resources,
    { UndiciInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/instrumentation-undici"),
  ]);
  const detected = await resources.detectResources({ detectors: [resources.envDetector] });
  const resource = resources
    .resourceFromAttributes({ "service.name": "entra-bff" })
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    .merge(detected);
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // AsyncLocalStorage context and the W3C traceparent/baggage propagators, process-wide.
  provider.register();
  const undici = new UndiciInstrumentation({ requireParentforSpans: true });
  undici.setTracerProvider(provider);
  undici.enable();
  log.info({ event: "tracing.started" }, "OpenTelemetry: exporting traces over OTLP/HTTP");

  const tracer = provider.getTracer("entra-bff");
  const spans = new WeakMap<FastifyRequest, Span>();
  const plugin = fp(
    async (app: FastifyInstance) => {
      app.addHook("onRequest", (request, _reply, done) => {
        const parent = propagation.extract(ROOT_CONTEXT, request.headers);
        const span = tracer.startSpan(
          request.method,
          {
            kind: SpanKind.SERVER,
            // The route pattern and status come at the end; never the URL (its query may hold a code).
            attributes: { "http.request.method": request.method, "url.scheme": request.protocol },
          },
          parent,
        );
        spans.set(request, span);
        // The rest of the request runs in this span's context, so its work becomes its children.
        context.with(trace.setSpan(parent, span), done);
      });
      app.addHook("onResponse", async (request, reply) => {
        const span = spans.get(request);
        if (!span) return;
        const route = request.routeOptions.url;
        if (route) {
          span.updateName(`${request.method} ${route}`);
          span.setAttribute("http.route", route);
        }
        span.setAttribute("http.response.status_code", reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      app.addHook("onRequestAbort", async (request) => {
        const span = spans.get(request);
        span?.setAttributes({ "error.type": "aborted" });
        span?.setStatus({ code: SpanStatusCode.ERROR });
        span?.end();
      });
      app.addHook("onReady", async () => instrumentApp(app, tracer));
    },
    { name: "tracing" },
  );

  return {
    plugin,
    async shutdown() {
      undici.disable();
      await provider.shutdown();
    },
  };
}
