import { describe, expect, it } from "vitest";
import { startEmulator } from "../src/index.js";
import { emulatorForFile } from "./helpers/emulator.js";
import { ADELE, aadstsOf, authorizeUrl, refresh, signInTokens, token } from "./helpers/oauth.js";

const emulator = emulatorForFile({}, { resetAfterEach: true });

function control(path: string, body?: unknown) {
  return fetch(`${emulator.url}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body),
  });
}

async function graphMe(accessToken: string) {
  return fetch(`${emulator.graphBaseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${accessToken}` } });
}

describe("the /_emulator control API over HTTP", () => {
  it("POST /_emulator/errors queues an AADSTS error for the next token call", async () => {
    expect(
      (await control("errors", { endpoint: "token", aadsts: 700084, error: "invalid_grant" })).status,
    ).toBe(204);
    const { body } = await token(emulator, { grant_type: "client_credentials" });
    expect(aadstsOf(body)).toBe(700084);
  });

  it("POST /_emulator/errors queues an authorize error", async () => {
    await control("errors", { endpoint: "authorize", aadsts: 65001 });
    const response = await fetch(authorizeUrl(emulator), { redirect: "manual" });
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("error")).toBe(
      "consent_required",
    );
  });

  it("POST /_emulator/graph-fault makes Graph answer 429 with Retry-After, and null clears it", async () => {
    const tokens = await signInTokens(emulator);
    await control("graph-fault", { status: 429, retryAfter: 3 });
    const throttled = await graphMe(tokens.access_token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    await control("graph-fault", { status: 503, count: 3 });
    await control("graph-fault", null);
    expect((await graphMe(tokens.access_token)).status).toBe(200);
  });

  it("POST /_emulator/revoke revokes a user's refresh tokens", async () => {
    const tokens = await signInTokens(emulator);
    expect((await control("revoke", { user: ADELE })).status).toBe(204);
    expect(aadstsOf((await refresh(emulator, tokens.refresh_token)).body)).toBe(70008);
  });

  it("POST /_emulator/consent records a user's consent, and [] revokes it (refresh then gets 65001)", async () => {
    const tokens = await signInTokens(emulator);
    const ask = (refreshToken: string) =>
      refresh(emulator, refreshToken, { scope: "User.ReadBasic.All openid" });
    expect(aadstsOf((await ask(tokens.refresh_token)).body)).toBe(65001);
    expect((await control("consent", { user: ADELE, scopes: ["User.ReadBasic.All"] })).status).toBe(204);
    const granted = await ask(tokens.refresh_token);
    expect(granted.status).toBe(200);
    expect((await control("consent", { user: ADELE, scopes: [] })).status).toBe(204);
    expect(aadstsOf((await ask(String(granted.body.refresh_token))).body)).toBe(65001);
  });

  it("POST /_emulator/lifetimes shortens the access token lifetime", async () => {
    await control("lifetimes", { accessTokenSeconds: 120 });
    const tokens = (await signInTokens(emulator)) as unknown as { expires_in: number };
    expect(tokens.expires_in).toBe(120);
  });

  it("POST /_emulator/clock advances the emulator's clock", async () => {
    const tokens = await signInTokens(emulator);
    await control("clock", { seconds: 7200 });
    expect((await graphMe(tokens.access_token)).status).toBe(401);
  });

  it("POST /_emulator/rotate-keys publishes a new key", async () => {
    const keys = async () =>
      ((await (await fetch(`${emulator.authority}/discovery/v2.0/keys`)).json()) as { keys: unknown[] }).keys;
    const before = await keys();
    await control("rotate-keys", { keepOld: false });
    const after = await keys();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it("POST /_emulator/hostile-id-token makes the next ID token hostile", async () => {
    await control("hostile-id-token", { kind: "alg-none" });
    const tokens = await signInTokens(emulator);
    expect(JSON.parse(Buffer.from(tokens.id_token.split(".")[0] ?? "", "base64url").toString()).alg).toBe(
      "none",
    );
  });

  it("GET /_emulator/requests lists requests filtered by grant type, without secrets", async () => {
    const tokens = await signInTokens(emulator);
    await refresh(emulator, tokens.refresh_token);
    const response = await fetch(`${emulator.url}/_emulator/requests?grantType=refresh_token`);
    const entries = (await response.json()) as Record<string, unknown>[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      method: "POST",
      path: `/${emulator.tenantId}/oauth2/v2.0/token`,
      grantType: "refresh_token",
      clientId: emulator.client.clientId,
      status: 200,
    });
    const everything = JSON.stringify(emulator.requests());
    expect(everything).not.toContain(emulator.client.clientSecret);
    expect(everything).not.toContain(tokens.refresh_token);
    expect(everything).not.toContain("code=");
  });

  it("POST /_emulator/reset clears queued errors, faults and the request log", async () => {
    await control("errors", { endpoint: "token", aadsts: 50076 });
    await signInTokens(emulator).catch(() => undefined);
    expect((await control("reset")).status).toBe(204);
    expect(emulator.requests()).toEqual([]);
    await expect(signInTokens(emulator)).resolves.toHaveProperty("access_token");
  });

  it.each([
    ["errors", { endpoint: "userinfo", aadsts: 1 }, /endpoint must be/],
    ["errors", { endpoint: "token", aadsts: "abc" }, /aadsts must be a positive integer/],
    ["graph-fault", { status: 418 }, /status must be 429, 500 or 503/],
    ["revoke", { user: "nobody@example.com" }, /no such user/],
    ["consent", { user: ADELE, scopes: ["Nope.Read"] }, /unknown scope "Nope\.Read"/],
    ["consent", { user: ADELE, scopes: ["api://x/Orders.Read"] }, /must be configured on the client/],
    ["consent", { user: ADELE, scopes: "User.Read" }, /scopes must be an array of strings/],
    [
      "consent",
      { user: ADELE, scopes: [], clientId: "11111111-1111-1111-1111-111111111111" },
      /no such client/,
    ],
    ["lifetimes", { accessTokenSeconds: -5 }, /accessTokenSeconds must be a positive integer/],
    ["clock", { seconds: "soon" }, /seconds must be a number/],
    ["hostile-id-token", { kind: "friendly" }, /kind must be one of/],
    ["errors", [1, 2], /expected a JSON object body/],
  ])("POST /_emulator/%s answers 400 with a clear message for bad input", async (path, body, message) => {
    const response = await control(path, body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string; message: string };
    expect(json.error).toBe("invalid_request");
    expect(json.message).toMatch(message);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await fetch(`${emulator.url}/_emulator/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe("body is not valid JSON");
  });
});

describe("with the control API disabled", () => {
  it("does not serve /_emulator/*", async () => {
    const locked = await startEmulator({ controlApi: false });
    try {
      const response = await fetch(`${locked.url}/_emulator/reset`, { method: "POST" });
      expect(response.status).toBe(404);
    } finally {
      await locked.close();
    }
  });
});

describe("the control API refuses what a web page or DNS rebinding could send", () => {
  const url = (path: string) => `${emulator.url}/_emulator/${path}`;

  it("refuses a form-encoded body (a cross-site form post) with 415 and changes nothing", async () => {
    const tokens = await signInTokens(emulator, ADELE);
    const response = await fetch(url("revoke"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `user=${encodeURIComponent(ADELE)}`,
    });
    expect(response.status).toBe(415);
    expect((await refresh(emulator, tokens.refresh_token)).status).toBe(200);
  });

  it("refuses a request with a foreign Origin, even as JSON", async () => {
    const response = await fetch(url("reset"), {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(403);
  });

  it("refuses a Host that is neither loopback nor its own (DNS rebinding), also for reads", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(url("requests"), { headers: { host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("still serves its own tools: loopback Host, JSON or no body, and its own Origin", async () => {
    expect((await fetch(url("reset"), { method: "POST" })).status).toBe(204);
    const own = await fetch(url("reset"), {
      method: "POST",
      headers: { origin: new URL(emulator.url).origin },
    });
    expect(own.status).toBe(204);
    expect((await fetch(url("requests"))).status).toBe(200);
  });
});
