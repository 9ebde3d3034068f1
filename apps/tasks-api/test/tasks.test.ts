import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { ADELE, apiFor, MEGAN, msalTokens, READ_WRITE, tasksApiForFile } from "./helpers/tenant.js";

// The Tasks API's routes, called with real v2.0 tokens that MSAL Node acquired from the emulator.
const setup = tasksApiForFile({ maxTasksPerUser: 3 });
let adele: string;
let megan: string;

beforeAll(async () => {
  [adele = ""] = await msalTokens(setup.emulator, ADELE, [[READ_WRITE]]);
  [megan = ""] = await msalTokens(setup.emulator, MEGAN, [[READ_WRITE]]);
});

function call(token: string, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown) {
  return setup.api.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

async function clear(token: string) {
  for (const task of (await call(token, "GET", "/v1/tasks")).json().tasks) {
    await call(token, "DELETE", `/v1/tasks/${task.id}`);
  }
}

describe("a user's own tasks", () => {
  it("creates (title trimmed), lists, completes, renames and deletes", async () => {
    const created = await call(adele, "POST", "/v1/tasks", { title: "  Buy milk  " });
    expect(created.statusCode).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({ title: "Buy milk", done: false });
    expect((await call(adele, "GET", "/v1/tasks")).json().tasks).toEqual([task]);

    const done = await call(adele, "PATCH", `/v1/tasks/${task.id}`, { done: true, title: "Buy oat milk" });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: task.id, title: "Buy oat milk", done: true });

    expect((await call(adele, "DELETE", `/v1/tasks/${task.id}`)).statusCode).toBe(204);
    expect((await call(adele, "GET", "/v1/tasks")).json().tasks).toEqual([]);
    expect((await call(adele, "DELETE", `/v1/tasks/${task.id}`)).statusCode).toBe(404);
  });

  it("never shows, changes or deletes another user's task: 404 as if it did not exist", async () => {
    const task = (await call(adele, "POST", "/v1/tasks", { title: "Adele's secret" })).json();
    expect((await call(megan, "GET", "/v1/tasks")).json().tasks).toEqual([]);
    const patch = await call(megan, "PATCH", `/v1/tasks/${task.id}`, { done: true });
    const missing = await call(megan, "PATCH", "/v1/tasks/00000000-0000-0000-0000-000000000000", {
      done: true,
    });
    expect(patch.statusCode).toBe(404);
    expect(patch.json()).toEqual(missing.json());
    expect((await call(megan, "DELETE", `/v1/tasks/${task.id}`)).statusCode).toBe(404);
    expect((await call(adele, "GET", "/v1/tasks")).json().tasks).toEqual([task]);
    await clear(adele);
  });
});

describe("bad input", () => {
  it("refuses titles that are empty after trimming, too long, or hold control characters", async () => {
    for (const title of ["", "   ", "x".repeat(201), "line\nbreak", 42, null]) {
      const response = await call(adele, "POST", "/v1/tasks", { title });
      expect(response.statusCode, JSON.stringify(title)).toBe(400);
      expect(response.json().code).toBe("invalid_request");
    }
    expect((await call(adele, "POST", "/v1/tasks", { title: "x".repeat(200) })).statusCode).toBe(201);
    await clear(adele);
  });

  it("refuses unknown properties, an empty patch and a non-boolean done (no coercion)", async () => {
    const task = (await call(adele, "POST", "/v1/tasks", { title: "t" })).json();
    expect((await call(adele, "POST", "/v1/tasks", { title: "t", owner: "megan" })).statusCode).toBe(400);
    expect((await call(adele, "PATCH", `/v1/tasks/${task.id}`, {})).statusCode).toBe(400);
    expect((await call(adele, "PATCH", `/v1/tasks/${task.id}`, { done: "true" })).statusCode).toBe(400);
    expect((await call(adele, "PATCH", `/v1/tasks/${task.id}`, { id: "other" })).statusCode).toBe(400);
    await clear(adele);
  });

  it("answers malformed JSON, a wrong content type and an oversized body with JSON, never a 5xx", async () => {
    const send = (payload: string, type: string) =>
      setup.api.inject({
        method: "POST",
        url: "/v1/tasks",
        headers: { authorization: `Bearer ${adele}`, "content-type": type },
        payload,
      });
    const cases: [string, string, number, string][] = [
      ['{"title":', "application/json", 400, "invalid_request"],
      ["title=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
      [JSON.stringify({ title: "x".repeat(20_000) }), "application/json", 413, "payload_too_large"],
    ];
    for (const [payload, type, status, code] of cases) {
      const response = await send(payload, type);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code });
    }
  });

  it("checks the token before reading the body: no token and a huge body is 401, not 413", async () => {
    const response = await setup.api.inject({
      method: "POST",
      url: "/v1/tasks",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ title: "x".repeat(20_000) }),
    });
    expect(response.statusCode).toBe(401);
  });

  it("caps the tasks per user (409 task_limit_reached) without affecting other users", async () => {
    for (const n of [1, 2, 3])
      expect((await call(adele, "POST", "/v1/tasks", { title: `#${n}` })).statusCode).toBe(201);
    const over = await call(adele, "POST", "/v1/tasks", { title: "#4" });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe("task_limit_reached");
    expect((await call(megan, "POST", "/v1/tasks", { title: "mine" })).statusCode).toBe(201);
    await clear(adele);
    await clear(megan);
  });

  it("unknown routes and undecodable URLs: JSON 404/400", async () => {
    const unknown = await setup.api.inject({ method: "GET", url: "/v2/nothing" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("not_found");
    const bad = await setup.api.inject({ method: "GET", url: "/v1/tasks/%ff" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("invalid_request");
  });

  it("GET /healthz needs no token", async () => {
    const response = await setup.api.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });
});

describe("logs", () => {
  const secret = "query-secret-value";

  async function logsOf(logger: "info" | ReturnType<typeof pino>, lines: string[]) {
    const logged = await apiFor(setup.emulator, {
      logger,
      logStream: { write: (line) => lines.push(line) },
    });
    await logged.inject({
      method: "GET",
      url: `/v1/tasks?access_token=${secret}`,
      headers: { authorization: `Bearer ${adele}` },
    });
    await logged.inject({ method: "GET", url: "/v1/tasks", headers: { authorization: `Bearer ${adele}x` } });
    await logged.close();
    return lines.join("\n");
  }

  it.each(["a level", "the caller's pino logger"])(
    "hold method and path only, with %s: no token, no query string",
    async (kind) => {
      const lines: string[] = [];
      const text =
        kind === "a level"
          ? await logsOf("info", lines)
          : await logsOf(pino({ level: "info" }, { write: (line: string) => lines.push(line) }), lines);
      expect(text).toContain('"path":"/v1/tasks"');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(adele.split(".")[1]);
    },
  );
});
