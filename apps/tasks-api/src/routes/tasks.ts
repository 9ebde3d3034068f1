import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { principalOf } from "../auth/authenticate.js";
import { notFound } from "../errors.js";
import type { TaskStore } from "../store.js";
import { CreateTask, TaskList, TaskParams, TaskSchema, UpdateTask } from "./schemas.js";

/** Titles are trimmed before validation, so "  a  " is "a" and "   " is too short. */
function trimTitle(body: unknown): void {
  if (typeof body === "object" && body !== null && "title" in body && typeof body.title === "string") {
    body.title = body.title.trim();
  }
}

/** CRUD on the caller's own tasks; another user's task id answers 404 like a missing one. */
export const taskRoutes: FastifyPluginAsyncTypebox<{ store: TaskStore }> = async (app, { store }) => {
  const userOf = (request: Parameters<typeof principalOf>[0]) => principalOf(request).userKey;

  app.get("/", { schema: { response: { 200: TaskList } } }, async (request) => ({
    tasks: store.list(userOf(request)),
  }));

  app.post(
    "/",
    {
      preValidation: async (request) => trimTitle(request.body),
      schema: { body: CreateTask, response: { 201: TaskSchema } },
    },
    async (request, reply) => reply.code(201).send(store.create(userOf(request), request.body.title)),
  );

  app.patch(
    "/:id",
    {
      preValidation: async (request) => trimTitle(request.body),
      schema: { params: TaskParams, body: UpdateTask, response: { 200: TaskSchema } },
    },
    async (request) => {
      const task = store.update(userOf(request), request.params.id, request.body);
      if (!task) throw notFound();
      return task;
    },
  );

  app.delete("/:id", { schema: { params: TaskParams } }, async (request, reply) => {
    if (!store.remove(userOf(request), request.params.id)) throw notFound();
    return reply.code(204).send();
  });
};
