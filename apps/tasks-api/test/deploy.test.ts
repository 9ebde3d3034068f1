import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG, loadConfig, parseConfig, startEmulator } from "@entra-bff/entra-emulator";
import { describe, expect, it } from "vitest";
import { buildTasksApi, DEMO_TASKS_API_CLIENT_ID, loadTasksApiConfig } from "../src/index.js";
import { ADELE, msalTokens } from "./helpers/tenant.js";

const root = new URL("../../../", import.meta.url);
const tenantFile = new URL("deploy/emulator-tenant.json", root).pathname;

/** The tasks-api service's environment in docker-compose.yml, each `${VAR:-default}` as its default. */
function composeTasksEnvironment(): Record<string, string> {
  const text = readFileSync(new URL("docker-compose.yml", root), "utf8");
  const block = /^ {2}tasks-api:\n(?: {4}.*\n)*? {4}environment:\n((?: {6}.*\n)+)/m.exec(text)?.[1];
  if (!block) throw new Error("docker-compose.yml has no tasks-api environment");
  const env: Record<string, string> = {};
  for (const [, name = "", raw = ""] of block.matchAll(/^ {6}([A-Z_]+): (.*)$/gm)) {
    env[name] = /^\$\{[A-Z_]+:-(.*)\}$/.exec(raw.trim())?.[1] ?? raw.trim().replace(/^"(.*)"$/, "$1");
  }
  return env;
}

describe("docker-compose.yml and deploy/emulator-tenant.json", () => {
  it("register the sample API in the emulator under the id the tasks-api service expects", () => {
    const config = loadConfig(tenantFile);
    const builtIn = parseConfig(DEFAULT_CONFIG).clients[0];
    // The BFF's client stays the built-in one, plus the Tasks API's scope.
    const { permissions, adminConsent, ...client } = config.clients[0] ?? { clientId: "" };
    const { permissions: _p, adminConsent: _a, ...builtInClient } = builtIn ?? { clientId: "" };
    expect(client).toEqual(builtInClient);
    expect(permissions).toContain(`api://${DEMO_TASKS_API_CLIENT_ID}/Tasks.ReadWrite`);
    expect(adminConsent).toContain(`api://${DEMO_TASKS_API_CLIENT_ID}/Tasks.ReadWrite`);
    expect(config.apis).toEqual([
      expect.objectContaining({ appId: DEMO_TASKS_API_CLIENT_ID, requestedAccessTokenVersion: 2 }),
    ]);

    const env = composeTasksEnvironment();
    const tasks = loadTasksApiConfig(env);
    expect(tasks.options).toEqual({
      clientId: DEMO_TASKS_API_CLIENT_ID,
      tenantIds: [DEFAULT_CONFIG.tenant.id],
      authorityHost: "http://127.0.0.1:5001",
    });
    expect(tasks.port).toBe(5002);
  });

  it("work together: a token from that tenant opens the API configured like the service", async () => {
    const emulator = await startEmulator({ config: tenantFile });
    const { options } = loadTasksApiConfig({
      ...composeTasksEnvironment(),
      TASKS_API_AUTHORITY_HOST: emulator.url,
    });
    const api = await buildTasksApi(options);
    try {
      const [token] = await msalTokens(emulator, ADELE, [
        [`api://${DEMO_TASKS_API_CLIENT_ID}/Tasks.ReadWrite`],
      ]);
      const response = await api.inject({
        method: "GET",
        url: "/v1/tasks",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
    } finally {
      await api.close();
      await emulator.close();
    }
  });
});
