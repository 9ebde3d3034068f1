// The command line: reads TASKS_API_* through config.ts and listens.
import { buildTasksApi } from "./app.js";
import {
  loadTasksApiConfig,
  readEnvironment,
  TasksApiConfigError,
  type TasksApiServerConfig,
} from "./config.js";

let config: TasksApiServerConfig;
try {
  config = loadTasksApiConfig(readEnvironment());
} catch (error) {
  if (!(error instanceof TasksApiConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}

const app = await buildTasksApi({ ...config.options, logger: config.logLevel });
app.server.requestTimeout = 30_000;
app.server.headersTimeout = 15_000;

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port: config.port, host: config.host });
