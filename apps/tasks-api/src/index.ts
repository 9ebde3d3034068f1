export { buildTasksApi } from "./app.js";
export { acrsClaimsChallenge, type BearerErrorCode } from "./auth/bearer-error.js";
export type { Principal } from "./auth/verify-token.js";
export { createTokenVerifier } from "./auth/verify-token.js";
export { loadTasksApiConfig, TasksApiConfigError, type TasksApiServerConfig } from "./config.js";
export {
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_SCOPE,
  DEMO_TASKS_API_CLIENT_ID,
  type TasksApiOptions,
} from "./options.js";
export type { Task, TaskEvent } from "./store.js";
