import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import { bearerToken } from "./auth/authenticate.js";
import { createTokenVerifier } from "./auth/verify-token.js";
import { TasksApiConfigError } from "./config.js";
import { errorHandler } from "./errors.js";
import type { TasksApiOptions } from "./options.js";
import { eventRoutes } from "./routes/events.js";
import { taskRoutes } from "./routes/tasks.js";
import { TaskStore } from "./store.js";

/** A task title is at most 200 characters: 16 KiB is plenty for any request this API takes. */
const BODY_LIMIT_BYTES = 16 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkOptions(options: TasksApiOptions): void {
  if (!GUID.test(options.clientId ?? "")) {
    throw new TasksApiConfigError("clientId", "must be the API's Application (client) ID GUID");
  }
  if (!Array.isArray(options.tenantIds) || options.tenantIds.length === 0) {
    throw new TasksApiConfigError("tenantIds", "must list at least one tenant ID GUID");
  }
  for (const id of options.tenantIds) {
    if (!GUID.test(id)) throw new TasksApiConfigError("tenantIds", `"${id}" is not a tenant ID GUID`);
  }
}

/** Request lines without their query string: nothing a client appends there reaches the logs. */
const serializers = {
  req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split("?")[0] }),
};

function loggerOption({ logger, logStream }: TasksApiOptions): Partial<FastifyServerOptions> {
  if (logger === undefined || logger === false) return { logger: false };
  // A caller's logger (the BFF's) gets the same request serializer, whatever it has configured.
  if (typeof logger !== "string") {
    return { loggerInstance: logger.child({ service: "tasks-api" }, { serializers }) };
  }
  return { logger: { level: logger, ...(logStream ? { stream: logStream } : {}), serializers } };
}

/**
 * Builds the Tasks API without listening (tests use `inject`; `server.ts` and the BFF's emulator
 * mode call `listen`). The tenant's keys are fetched at the first authenticated request.
 */
export async function buildTasksApi(options: TasksApiOptions): Promise<FastifyInstance> {
  checkOptions(options);
  const app = Fastify({
    ...loggerOption(options),
    bodyLimit: BODY_LIMIT_BYTES,
    // Reject unknown properties and wrong types instead of stripping or coercing them.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A URL that does not decode (`/%ff`): Fastify's default answer echoes the path.
    frameworkErrors: (_error: unknown, _request: FastifyRequest, reply: FastifyReply) =>
      reply.code(400).send({ code: "invalid_request", message: "The request is malformed." }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: "not_found", message: "Not found." }),
  );
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
    reply.header("x-content-type-options", "nosniff");
  });

  app.get("/healthz", async () => ({ status: "ok" }));

  const store = new TaskStore(options.maxTasksPerUser ?? 500);
  const verify = createTokenVerifier(options);
  await app.register(
    async (scope) => {
      scope.decorateRequest("principal", null);
      // onRequest: the token is checked before any body is read.
      scope.addHook("onRequest", async (request) => {
        request.principal = await verify(bearerToken(request));
      });
      await scope.register(eventRoutes, { store, maxStreamsPerUser: options.maxStreamsPerUser ?? 5 });
      await scope.register(taskRoutes, { store });
    },
    { prefix: "/v1/tasks" },
  );
  return app;
}
