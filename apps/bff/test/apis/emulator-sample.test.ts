import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseApis } from "../../src/apis/api-config.js";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type ResolvedIdentityProvider, resolveIdentityProvider } from "../../src/emulator-mode.js";
import { createMemoryStore } from "../../src/session/memory-store.js";
import { ADELE, api, callback, signIn } from "../helpers/test-app.js";

let resolved: ResolvedIdentityProvider | undefined;
afterEach(async () => {
  await resolved?.close();
  resolved = undefined;
});

describe("emulator mode with the sample Tasks API", () => {
  it("starts the Tasks API, declares it, registers it in the emulator: consent, then tasks", async () => {
    const config = loadConfig({
      SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
      EMULATOR_PORT: "0",
    });
    resolved = await resolveIdentityProvider(config, pino({ level: "silent" }));
    const tasks = resolved.config.apis.find((entry) => entry.prefix === "/api/tasks");
    expect(tasks).toMatchObject({
      token: "user",
      scopes: ["api://3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9/Tasks.ReadWrite"],
    });
    const emulator = resolved.emulator;
    if (!emulator) throw new Error("no in-process emulator");
    const app = await buildApp(resolved.config, {
      store: createMemoryStore(),
      logger: pino({ level: "silent" }),
    });
    try {
      const jar = await signIn(app, emulator, ADELE);
      const first = await api(app, jar, "/api/tasks");
      expect(first.statusCode).toBe(401);
      expect(first.json().code).toBe("consent_required");
      const login = await app.inject({
        method: "GET",
        url: first.json().loginUrl,
        headers: { cookie: jar.header() },
      });
      jar.update(login);
      expect(
        (await callback(app, jar, await emulator.signIn(String(login.headers.location), ADELE))).statusCode,
      ).toBe(302);

      const created = await app.inject({
        method: "POST",
        url: "/api/tasks",
        headers: { "x-csrf": "1", cookie: jar.header(), "content-type": "application/json" },
        payload: { title: "Write the report" },
      });
      expect(created.statusCode).toBe(201);
      const list = await api(app, jar, "/api/tasks");
      expect(list.statusCode).toBe(200);
      expect(list.json().tasks).toEqual([
        expect.objectContaining({ title: "Write the report", done: false }),
      ]);
    } finally {
      await app.close();
    }
  });

  it("does not start the sample when BFF_APIS declares /api/tasks itself", async () => {
    const config = loadConfig({
      SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
      EMULATOR_PORT: "0",
    });
    const own = {
      ...config,
      apis: parseApis([{ prefix: "/api/tasks", upstream: "http://127.0.0.1:9", token: "none" }]),
    };
    resolved = await resolveIdentityProvider(own, pino({ level: "silent" }));
    expect(resolved.config.apis.map((entry) => entry.upstream)).toEqual(["http://127.0.0.1:9"]);
  });
});
