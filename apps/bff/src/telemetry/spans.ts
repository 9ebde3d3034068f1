// Child spans for the work a request does, added by wrapping the app's own objects in place when
// tracing is on (so nothing changes, not even a function call, when it is off).
import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Span,
  SpanStatusCode,
  type Tracer,
} from "@opentelemetry/api";
import type { FastifyInstance } from "fastify";

/** Runs `work` in a new active child span; errors mark the span, with `describe`'s safe attributes. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  describe: (error: unknown) => Attributes = errorAttributes,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      // Never the message: upstream messages may quote request details. Only a type and a code.
      span.setAttributes(describe(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** An AppError's code or a sign-in failure's kind, and Entra's AADSTS number when there is one. */
function errorAttributes(error: unknown): Attributes {
  const known = (error ?? {}) as {
    code?: unknown;
    aadsts?: unknown;
    failure?: { kind?: unknown; aadsts?: unknown };
  };
  const type =
    typeof known.code === "string"
      ? known.code
      : typeof known.failure?.kind === "string"
        ? known.failure.kind
        : error instanceof Error
          ? error.name
          : "unknown";
  const aadsts = known.aadsts ?? known.failure?.aadsts;
  return { "error.type": type, ...(typeof aadsts === "number" ? { "entra.aadsts": aadsts } : {}) };
}

/** What a token acquisition did, filled in by the refresh callback deep inside it. */
interface TokenOutcome {
  refresh?: "success" | "failure";
}
const TOKEN_OUTCOME = createContextKey("entra-bff.token-outcome");
const outcomeIn = (ctx: Context) => ctx.getValue(TOKEN_OUTCOME) as TokenOutcome | undefined;

const STORE_METHODS = [
  "get",
  "set",
  "delete",
  "take",
  "setIfAbsent",
  "deleteIfEquals",
  "update",
  "extend",
  "setUnlessTombstoned",
  "deleteWithTombstone",
  "addCapped",
  "getCapped",
  "takeCapped",
] as const;

/** Wraps the session store, the token service, sign-in's code redemption and Graph with spans. */
export function instrumentApp(app: FastifyInstance, tracer: Tracer): void {
  const kv = app.kv as unknown as Record<string, (key: unknown, ...rest: unknown[]) => Promise<unknown>>;
  for (const method of STORE_METHODS) {
    const original = kv[method]?.bind(kv);
    if (!original) continue;
    kv[method] = (key, ...rest) =>
      inSpan(
        tracer,
        `session-store ${method}`,
        // The record kind (sess, tc, at, lock, …) only: keys hold session ids.
        { "db.system.name": app.kv.kind, "db.operation.name": method, "bff.store.record": recordKind(key) },
        () => original(key, ...rest),
      );
  }

  const tokens = app.auth.tokens;
  const getAccessToken = tokens.getAccessToken.bind(tokens);
  tokens.getAccessToken = (owner, rejected) => {
    const outcome: TokenOutcome = {};
    return context.with(context.active().setValue(TOKEN_OUTCOME, outcome), () =>
      inSpan(
        tracer,
        "token acquire",
        { "entra.token.forced_refresh": rejected !== undefined },
        async (span) => {
          try {
            return await getAccessToken(owner, rejected);
          } finally {
            span.setAttribute("entra.token.source", outcome.refresh ? "refresh" : "cache");
            if (outcome.refresh) span.setAttribute("entra.token.refresh", outcome.refresh);
          }
        },
      ),
    );
  };
  const tokenRefresh = app.metrics.tokenRefresh;
  app.metrics.tokenRefresh = (result) => {
    const outcome = outcomeIn(context.active());
    if (outcome) outcome.refresh = result;
    tokenRefresh(result);
  };

  const login = app.auth.login;
  const complete = login.complete.bind(login);
  login.complete = (query, binding) =>
    inSpan(tracer, "token redeem-code", { "entra.token.source": "authorization_code" }, () =>
      complete(query, binding),
    );

  const graph = app.graph;
  const getMe = graph.getMe.bind(graph);
  const getPhoto = graph.getPhoto.bind(graph);
  graph.getMe = (token) => inSpan(tracer, "graph GET /me", { "graph.resource": "me" }, () => getMe(token));
  graph.getPhoto = (token) =>
    inSpan(tracer, "graph GET /me/photo/$value", { "graph.resource": "photo" }, () => getPhoto(token));
}

/** `sess:{id}` → `sess`; several keys (one session's) → the first one's; a capped namespace as is. */
function recordKind(key: unknown): string {
  const first = Array.isArray(key) ? key[0] : key;
  const kind = typeof first === "string" ? (first.split(":", 1)[0] ?? "") : "";
  return /^[a-z-]{1,16}$/.test(kind) ? kind : "other";
}
