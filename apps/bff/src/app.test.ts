import { describe, expect, it } from "vitest";
import { buildApp } from "./app.js";

describe("GET /healthz", () => {
  it("answers 200 JSON", async () => {
    const app = await buildApp({
      port: 0,
      host: "127.0.0.1",
      webDistDir: "/nonexistent",
      logLevel: "silent",
    });
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
    await app.close();
  });
});
