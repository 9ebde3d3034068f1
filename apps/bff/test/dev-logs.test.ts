import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { bannerLines } from "../src/banner.js";
import { loadConfig } from "../src/config.js";
import { usePrettyLogs } from "../src/log-destination.js";
import { logLines, startServerProcess } from "./helpers/server-process.js";

const SERVER = new URL("../src/server.ts", import.meta.url).pathname;
const TSX = createRequire(import.meta.url).resolve("tsx");

describe("development logs and the start-up banner", { timeout: 30_000 }, () => {
  it.each([
    [undefined, true, true],
    [undefined, false, false],
    ["pretty", false, true],
    ["json", true, false],
  ] as const)("LOG_FORMAT=%s on a terminal=%s → pretty=%s", (format, tty, pretty) => {
    expect(usePrettyLogs(format, tty)).toBe(pretty);
  });

  it("says in its banner which tenant a real-tenant start uses, and that there are no demo users", () => {
    const config = loadConfig({
      ENTRA_TENANT_ID: "contoso.onmicrosoft.com",
      ENTRA_CLIENT_ID: "0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10",
      ENTRA_CLIENT_SECRET: "a-client-secret",
      SESSION_SECRET: "a-banner-test-session-secret-long-enough",
      PUBLIC_URL: "https://app.contoso.com",
    });
    if (config.idp.mode !== "entra") throw new Error("expected a real tenant");
    const lines = bannerLines({
      config: { ...config, idp: config.idp },
      listening: "http://0.0.0.0:5000",
      demoUsers: [],
    });
    expect(lines).toEqual([
      "Entra BFF: open https://app.contoso.com (listening on http://0.0.0.0:5000)",
      "Mode: Microsoft Entra tenant contoso.onmicrosoft.com, client 0e8f2f4c-7d51-4c1a-9b6e-3b5f2a7c9d10 at https://login.microsoftonline.com; sessions in memory",
      "Demo users: none — sign in with an account of your tenant",
    ]);
    expect(lines.join("\n")).not.toContain("a-client-secret");
  });

  it("writes JSON lines when stdout is not a terminal, the banner as one startup record", async () => {
    const server = startServerProcess({ PORT: "0", EMULATOR_PORT: "0" });
    await server.waitFor(/"event":"startup"/);
    server.child.kill("SIGINT");
    await server.exited;
    const lines = server.stdout().trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const startup = logLines(server.stdout()).find((line) => line.event === "startup");
    expect(startup?.url).toBe("http://localhost:5000");
    expect(String(startup?.msg)).toMatch(/^Entra BFF: open http:\/\/localhost:5000 .*Mode: emulator/);
    expect(startup?.demoUsers).toEqual(expect.arrayContaining([expect.stringContaining("AdeleV@")]));
  });

  it("with LOG_FORMAT=pretty prints one readable line per record and a three-line banner", async () => {
    const server = startServerProcess({ PORT: "0", EMULATOR_PORT: "0", LOG_FORMAT: "pretty" });
    await server.waitFor(/Demo users/);
    const port = Number((await server.waitFor(/listening on http:\/\/[^:]+:(\d+)/))[1]);
    await fetch(`http://localhost:${port}/getAToken?code=the-secret-code&state=s`).catch(() => {});
    await server.waitFor(/getAToken/);
    server.child.kill("SIGINT");
    await server.exited;
    const out = stripVTControlCharacters(server.stdout());
    expect(out).not.toMatch(/^\{/m);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: Emulator mode/m);
    expect(out).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: incoming request .*"url":"\/getAToken\?code=\[redacted\]/m,
    );
    expect(out).not.toContain("the-secret-code");
    const banner = out.split("\n").filter((line) => /^(Entra BFF: open|Mode: |Demo users)/.test(line));
    expect(banner).toHaveLength(3);
    expect(banner[0]).toMatch(/^Entra BFF: open http:\/\/localhost:5000 \(listening on http:/);
    expect(banner[1]).toMatch(
      /^Mode: emulator — sign-in uses the local Entra ID emulator at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(banner[2]).toMatch(/^Demo users \(no password\): .*AdeleV@/);
  });

  it("is pretty and coloured by itself when stdout is a terminal", async () => {
    // util-linux `script` runs the server on a pseudo-terminal, as `pnpm start` in a shell does.
    const command = `exec ${process.execPath} --conditions=source --import ${TSX} ${SERVER}`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TERM: "xterm-256color",
        PORT: "0",
        EMULATOR_PORT: "0",
      },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!/Demo users/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      await exited;
    }
    expect(out).toContain("\u001b[");
    const plain = stripVTControlCharacters(out);
    expect(plain).toMatch(/WARN.*: Emulator mode/);
    expect(plain).toMatch(/^Mode: emulator/m);
    expect(plain).not.toMatch(/^\{"level"/m);
  });
});
