import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { API_APP_ID } from "./helpers/tenant.js";

// src/server.ts as a user runs it, from a directory without a .env.
const server = new URL("../src/server.ts", import.meta.url).pathname;
const cwd = mkdtempSync(join(tmpdir(), "tasks-api-"));

function start(env: Record<string, string>): ChildProcess {
  const { PATH = "" } = process.env;
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", import.meta.resolve("tsx"), server],
    {
      cwd,
      env: { PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // Never left running by a failed assertion.
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

async function output(child: ChildProcess, stream: "stdout" | "stderr", until: RegExp): Promise<string> {
  let text = "";
  for await (const chunk of child[stream] ?? []) {
    text += String(chunk);
    if (until.test(text)) break;
  }
  return text;
}

describe("server.ts", () => {
  it("stops with one line naming the missing variable and the fix", async () => {
    const child = start({ TASKS_API_TENANT_ID: "dcd219dd-bc68-4b9b-bf0b-4a33a796be35" });
    const [stderr, [code]] = await Promise.all([output(child, "stderr", /$^/), once(child, "exit")]);
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^Configuration error: TASKS_API_CLIENT_ID: is not set: set it to .*GUID/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("listens, answers /healthz, and exits 0 on SIGTERM", async () => {
    const child = start({
      TASKS_API_CLIENT_ID: API_APP_ID,
      TASKS_API_TENANT_ID: "dcd219dd-bc68-4b9b-bf0b-4a33a796be35",
      TASKS_API_PORT: "0",
    });
    const log = await output(child, "stdout", /Server listening at (http:\S+)"/);
    const url = /Server listening at (http:\S+)"/.exec(log)?.[1];
    const response = await fetch(`${url}/healthz`);
    expect(await response.json()).toEqual({ status: "ok" });
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
