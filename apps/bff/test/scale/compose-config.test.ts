import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG, startEmulator } from "@entra-bff/entra-emulator";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { resolveIdentityProvider } from "../../src/emulator-mode.js";

const COMPOSE = new URL("../../../../docker-compose.yml", import.meta.url);

/**
 * The BFF environment of docker-compose.yml as compose resolves it without a .env: the
 * `x-bff-environment` block, each `${VAR:-default}` / `${VAR-default}` replaced by its default.
 * (No YAML parser in the workspace; the block is flat `KEY: value` lines.)
 */
function composeBffEnvironment(port: string): Record<string, string> {
  const text = readFileSync(COMPOSE, "utf8");
  const block = /^x-bff-environment: &bff-environment\n((?: {2}.*\n|\s*\n)+)/m.exec(text)?.[1];
  if (!block) throw new Error("docker-compose.yml has no x-bff-environment block");
  const env: Record<string, string> = { PORT: port };
  for (const line of block.split("\n")) {
    const match = /^ {2}([A-Z_]+): (.*)$/.exec(line);
    if (!match?.[1]) continue;
    const raw = (match[2] ?? "").trim();
    const substitution = /^\$\{[A-Z_]+:?-(.*)\}$/.exec(raw);
    env[match[1]] = substitution ? (substitution[1] ?? "") : raw.replace(/^"(.*)"$/, "$1");
  }
  return env;
}

describe("docker-compose.yml and config.ts", () => {
  it("gives the BFF instances a config that signs in with the emulator's built-in client and Redis", async () => {
    const env = composeBffEnvironment("5101");
    expect(env.ENTRA_EMULATOR_URL).toBe("http://127.0.0.1:5001");
    // The file compose mounts at /config/bff-apis.json declares the Tasks API it runs.
    expect(env.BFF_APIS).toBe("/config/bff-apis.json");
    const config = loadConfig({
      ...env,
      BFF_APIS: new URL("../../../../deploy/bff-apis.json", import.meta.url).pathname,
    });
    expect(config.apis).toEqual([
      expect.objectContaining({
        prefix: "/api/tasks",
        upstream: "http://127.0.0.1:5002/v1/tasks",
        token: "user",
      }),
    ]);
    expect(config.idp).toEqual({ mode: "emulator", port: 5001, externalUrl: "http://127.0.0.1:5001" });
    expect(config.redis).toEqual({ url: "redis://redis:6379", keyPrefix: "entra-bff:" });
    expect(config.host).toBe("0.0.0.0");
    expect(config.trustProxy).toBe(1);

    const resolved = await resolveIdentityProvider(config, pino({ level: "silent" }));
    const builtIn = DEFAULT_CONFIG.clients[0];
    expect(resolved.config.idp).toMatchObject({
      tenantId: DEFAULT_CONFIG.tenant.id,
      clientId: builtIn?.clientId,
      authorityHost: "http://127.0.0.1:5001",
      emulator: true,
    });
    // The emulator CLI serves the same registration: it must accept this redirect URI.
    expect(builtIn?.redirectUris).toContain(config.redirectUri);
    // …and its sign-out's post_logout_redirect_uri (Entra matches it against redirect URIs).
    expect(builtIn?.redirectUris).toContain(config.postLogoutRedirectUri);
    await resolved.close();
  });
});

/** The `node -e` script of a service's healthcheck in docker-compose.yml. */
function healthcheckScript(service: string): string {
  const text = readFileSync(COMPOSE, "utf8");
  // The service's own block (an anchor like x-bff-depends-on may name it at the same indent).
  const sections = text.matchAll(new RegExp(`^ {2}${service}:\\n((?: {4}.*\\n|\\s*\\n)+)`, "gm"));
  const section = [...sections].map((match) => match[1] ?? "").find((body) => body.includes("healthcheck:"));
  const script = /healthcheck:\n\s+test:\n(?:\s+- .*\n)*?\s+- "(fetch\(.*\))"\n/.exec(section ?? "")?.[1];
  if (!script) throw new Error(`docker-compose.yml has no node healthcheck for ${service}`);
  return script;
}

describe("docker-compose.yml healthchecks", () => {
  // The BFFs wait for `emulator: service_healthy`: a check the emulator fails keeps the stack down.
  it("the emulator's healthcheck passes against a running emulator (and fails when it is down)", async () => {
    const emulator = await startEmulator({ config: DEFAULT_CONFIG });
    const port = new URL(emulator.url).port;
    const script = healthcheckScript("emulator").replaceAll("127.0.0.1:5001", `127.0.0.1:${port}`);
    // Asynchronously: the emulator answers from this very process.
    const run = async () =>
      (await once(spawn(process.execPath, ["-e", script], { timeout: 10_000 }), "exit"))[0];
    try {
      expect(await run()).toBe(0);
    } finally {
      await emulator.close();
    }
    expect(await run()).toBe(1);
  });
});
