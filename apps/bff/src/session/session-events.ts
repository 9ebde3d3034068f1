import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Told a session's id when the session ends or is replaced by a new sign-in. */
export type SessionEndedListener = (sessionId: string) => void;

/**
 * How the session layer tells the layers above it that a session is gone, without knowing them:
 * the auth plugin subscribes to drop the tokens it holds in process for that session.
 */
export interface SessionEvents {
  onSessionEnded(listener: SessionEndedListener): void;
  emitEnded(sessionId: string): void;
}

declare module "fastify" {
  interface FastifyInstance {
    sessionEvents: SessionEvents;
  }
}

/** Decorates `sessionEvents` at the root, before both the auth and the session plugin. */
export const sessionEventsPlugin = fp(
  async (app: FastifyInstance) => {
    const listeners: SessionEndedListener[] = [];
    app.decorate("sessionEvents", {
      onSessionEnded: (listener) => listeners.push(listener),
      emitEnded(sessionId) {
        for (const listener of listeners) listener(sessionId);
      },
    } satisfies SessionEvents);
  },
  { name: "session-events" },
);
