import { PassThrough } from "node:stream";
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../auth/authenticate.js";
import { ApiError } from "../errors.js";
import type { TaskEvent, TaskStore } from "../store.js";

const HEARTBEAT_MS = 15_000;
const MAX_TIMER_MS = 2_147_483_647;

function frame(event: TaskEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.task)}\n\n`;
}

/**
 * `GET /events`: Server-Sent Events of the caller's own task changes. A stream ends when the
 * access token that opened it expires (the client reconnects with a fresh one), and a user may
 * hold only a few open at once.
 */
export const eventRoutes: FastifyPluginAsync<{ store: TaskStore; maxStreamsPerUser: number }> = async (
  app,
  { store, maxStreamsPerUser },
) => {
  const open = new Set<PassThrough>();
  // Before the server closes: open streams would otherwise keep it waiting.
  app.addHook("preClose", async () => {
    for (const stream of open) stream.end();
  });

  app.get("/events", async (request, reply) => {
    const principal = principalOf(request);
    if (store.subscriberCount(principal.userKey) >= maxStreamsPerUser) {
      throw new ApiError(429, "too_many_streams", `At most ${maxStreamsPerUser} event streams per user.`);
    }
    const stream = new PassThrough();
    open.add(stream);
    const unsubscribe = store.subscribe(principal.userKey, (event) => stream.write(frame(event)));
    const heartbeat = setInterval(() => stream.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const untilExpiry = Math.min(Math.max(principal.expiresAt * 1000 - Date.now(), 0), MAX_TIMER_MS);
    const expiry = setTimeout(() => stream.end("event: token.expired\ndata: {}\n\n"), untilExpiry);
    const cleanUp = () => {
      open.delete(stream);
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(expiry);
    };
    stream.once("close", cleanUp);
    // The response closes when the client goes away (the request's close fires after its body).
    reply.raw.once("close", () => stream.destroy());
    // A first comment sends the headers at once, so the client knows the stream is open.
    stream.write(": connected\n\n");
    return reply
      .header("content-type", "text/event-stream; charset=utf-8")
      .header("x-accel-buffering", "no")
      .send(stream);
  });
};
