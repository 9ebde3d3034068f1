import { ApiErrorSchema, SessionEventName } from "@entra-bff/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { AppError } from "../../errors.js";
import { sessionKeys } from "../../session/session-keys.js";
import { digest } from "../../user-sessions/digest.js";

/** Streams one session may hold open at once (one per browser is the SPA's own rule). */
const MAX_STREAMS_PER_SESSION = 4;

export interface SessionEventsOptions {
  /** The idle timeout (SESSION_IDLE_MINUTES), for the SPA's warning. */
  sessionIdleMs: number;
  /** Heartbeat (and expiry check) interval; default 15 s. */
  heartbeatMs?: number;
}

/**
 * `GET /api/session/events` (Server-Sent Events) and `GET /api/session/state` (the SPA's focus
 * check). The stream sends `session-ended` when the session ends anywhere (announced over Redis
 * pub/sub by whichever instance ended it), else a heartbeat, at which it also notices a session
 * that simply expired. Neither route moves lastSeenAt, so the idle timeout still fires.
 */
export const sessionEventsRoutes: FastifyPluginAsyncTypebox<SessionEventsOptions> = async (
  app,
  { sessionIdleMs, heartbeatMs = 15_000 },
) => {
  const open = new Map<string, number>();
  const closers = new Set<() => void>();
  // Before the server closes: open streams would otherwise hold it open.
  app.addHook("preClose", async () => {
    for (const close of [...closers]) close();
  });

  const State = Type.Object(
    {
      authenticated: Type.Boolean(),
      idleExpiresAt: Type.Optional(Type.String()),
      idleTimeoutMs: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  );
  const stateOf = (request: FastifyRequest, touchedAt?: number) => {
    const auth = app.sessions.current(request);
    if (!auth) return { authenticated: false };
    const lastSeenAt = touchedAt ?? auth.lastSeenAt;
    const idleEnd = Math.min(lastSeenAt + sessionIdleMs, auth.expiresAt);
    return {
      authenticated: true,
      idleExpiresAt: new Date(idleEnd).toISOString(),
      idleTimeoutMs: sessionIdleMs,
    };
  };
  const schema = { response: { 200: State, "4xx": ApiErrorSchema, "5xx": ApiErrorSchema } };
  // The focus check: read-only, it never keeps the session alive.
  app.get(
    "/session/state",
    { config: { csrf: true, session: "optional", touchesSession: false }, schema },
    async (request) => stateOf(request),
  );
  // "Stay signed in": the cheapest call that moves lastSeenAt.
  app.post(
    "/session/touch",
    { config: { csrf: true, session: "required", touchesSession: "always" }, schema },
    async (request) => stateOf(request, Date.now()),
  );

  app.get(
    "/session/events",
    { config: { csrf: "same-origin", session: "required", touchesSession: false } },
    async (request, reply) => {
      const id = (request.loadedSession as { id: string }).id;
      const handle = digest(id);
      const count = open.get(handle) ?? 0;
      if (count >= MAX_STREAMS_PER_SESSION) {
        throw new AppError("rate_limited", 429, "Too many event streams for this session.", {
          retryAfter: 5,
        });
      }
      open.set(handle, count + 1);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
        "x-request-id": request.id,
      });
      raw.write("retry: 3000\n\n");
      const send = (event: string) => raw.write(`event: ${event}\ndata: {}\n\n`);

      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        closers.delete(close);
        const left = (open.get(handle) ?? 1) - 1;
        if (left > 0) open.set(handle, left);
        else open.delete(handle);
        raw.end();
      };
      const ended = () => {
        if (closed) return;
        send(SessionEventName.Ended);
        close();
      };
      const unsubscribe = app.sessionBroadcast.subscribe((endedHandle) => {
        if (endedHandle === handle) ended();
      });
      // A session that merely expired is announced by no one: the heartbeat looks.
      const heartbeat = setInterval(() => {
        app.kv.get(sessionKeys.record(id)).then(
          (record) => (record === undefined ? ended() : send(SessionEventName.Heartbeat)),
          () => send(SessionEventName.Heartbeat),
        );
      }, heartbeatMs);
      heartbeat.unref();
      closers.add(close);
      request.raw.on("close", close);
    },
  );
};
