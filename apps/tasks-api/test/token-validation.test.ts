import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { base64url, decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADELE,
  API_APP_ID,
  apiFor,
  challengeOf,
  jwksOf,
  MEGAN,
  msalTokens,
  READ_ONLY,
  READ_WRITE,
  rawToken,
  rawTokens,
  startTenant,
  tasksApiForFile,
} from "./helpers/tenant.js";

// The Tasks API as a resource server: every way a token can be wrong is refused with RFC 6750's
// answer, and only a v2.0 token for this API, from the trusted tenant, with the scope, gets in.
const setup = tasksApiForFile();
let apiToken: string;
let graphToken: string;

beforeAll(async () => {
  // One sign-in, a token per resource: Graph (User.Read) and the Tasks API.
  [graphToken = "", apiToken = ""] = await msalTokens(setup.emulator, ADELE, [["User.Read"], [READ_WRITE]]);
});

function list(app: FastifyInstance, token: string | undefined) {
  return app.inject({
    method: "GET",
    url: "/v1/tasks",
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

async function expectRefused(response: Awaited<ReturnType<typeof list>>, description: RegExp) {
  expect(response.statusCode).toBe(401);
  const challenge = challengeOf(response.headers["www-authenticate"] as string);
  expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
  expect(challenge.error).toBe("invalid_token");
  expect(challenge.error_description).toMatch(description);
  expect(response.json()).toEqual({ code: "invalid_token", message: challenge.error_description });
  // Fixed descriptions: nothing of the token (JWT segments start with eyJ) comes back.
  expect(`${response.headers["www-authenticate"]} ${response.body}`).not.toMatch(/eyJ[\w-]{8}/);
}

/** The token with its payload changed and the signature kept. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, , signature] = token.split(".");
  const claims = { ...decodeJwt(token), ...change };
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

describe("a valid token", () => {
  it("is a v2.0 token for the API's app id GUID, and the API accepts it", async () => {
    const claims = decodeJwt(apiToken);
    expect(claims).toMatchObject({
      aud: API_APP_ID,
      iss: setup.emulator.issuer,
      ver: "2.0",
      tid: setup.emulator.tenantId,
    });
    expect(String(claims.scp).split(" ")).toContain("Tasks.ReadWrite");
    const response = await list(setup.api, apiToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ tasks: [] });
    expect(response.headers["cache-control"]).toBe("no-store");
  });
});

describe("refused tokens", () => {
  it("no Authorization header, or another scheme: 401 with a bare Bearer challenge (RFC 6750 §3.1)", async () => {
    for (const headers of [{}, { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }]) {
      const response = await setup.api.inject({ method: "GET", url: "/v1/tasks", headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers["www-authenticate"]).toBe('Bearer realm="tasks-api"');
      expect(response.json().code).toBe("unauthenticated");
    }
  });

  it("a token in the query string is not read", async () => {
    const response = await setup.api.inject({ method: "GET", url: `/v1/tasks?access_token=${apiToken}` });
    expect(response.statusCode).toBe(401);
  });

  it("garbage and an empty bearer token", async () => {
    await expectRefused(await list(setup.api, "not-a-jwt"), /malformed/);
    await expectRefused(await list(setup.api, ""), /malformed/);
    await expectRefused(await list(setup.api, "a.b.c"), /malformed/);
  });

  it("a Graph token from the same sign-in, and the BFF's own ID token (wrong aud)", async () => {
    expect(decodeJwt(graphToken).aud).toBe("00000003-0000-0000-c000-000000000000");
    await expectRefused(await list(setup.api, graphToken), /another audience/);
    const { idToken } = await rawTokens(setup.emulator, ADELE, READ_WRITE);
    expect(decodeJwt(idToken).aud).toBe(setup.emulator.client.clientId);
    await expectRefused(await list(setup.api, idToken), /another audience/);
  });

  it("a tampered payload (someone else's oid) with the original signature", async () => {
    const megan = setup.emulator.users.find((u) => u.userPrincipalName === MEGAN)?.id;
    await expectRefused(await list(setup.api, tampered(apiToken, { oid: megan })), /signature is invalid/);
  });

  it("alg none and HS256 keyed with the tenant's public key (key confusion)", async () => {
    const claims = base64url.encode(JSON.stringify(decodeJwt(apiToken)));
    const none = `${base64url.encode(JSON.stringify({ typ: "JWT", alg: "none" }))}.${claims}.`;
    await expectRefused(await list(setup.api, none), /algorithm is not accepted/);
    const { kid } = decodeProtectedHeader(apiToken);
    const keys = (await (await fetch(jwksOf(setup.emulator))).json()) as {
      keys: { kid: string; n: string }[];
    };
    const secret = keys.keys.find((k) => k.kid === kid)?.n ?? "";
    const header = base64url.encode(JSON.stringify({ typ: "JWT", alg: "HS256", kid }));
    const mac = createHmac("sha256", secret).update(`${header}.${claims}`).digest("base64url");
    await expectRefused(await list(setup.api, `${header}.${claims}.${mac}`), /algorithm is not accepted/);
  });

  it("a token signed by another tenant's keys (another emulator)", async () => {
    const other = await startTenant();
    try {
      const [foreign = ""] = await msalTokens(other, ADELE, [[READ_WRITE]]);
      await expectRefused(await list(setup.api, foreign), /not signed by a key of the tenant/);
    } finally {
      await other.close();
    }
  });

  it("a genuine token from a tenant that is not allowed", async () => {
    const strict = await apiFor(setup.emulator, {
      tenantIds: [randomUUID()],
      jwksUri: jwksOf(setup.emulator),
    });
    await expectRefused(await list(strict, apiToken), /tenant this API does not accept/);
    await strict.close();
  });

  it("a genuine token whose issuer is not the expected one", async () => {
    const elsewhere = await apiFor(setup.emulator, {
      authorityHost: "https://login.microsoftonline.com",
      jwksUri: jwksOf(setup.emulator),
    });
    await expectRefused(await list(elsewhere, apiToken), /issuer is not accepted/);
    await elsewhere.close();
  });

  it("an expired token and one not valid yet; a few seconds of clock skew are tolerated", async () => {
    setup.emulator.advanceClock(-7200);
    const expired = await rawToken(setup.emulator, ADELE, READ_WRITE);
    setup.emulator.advanceClock(7200 + 3600);
    const early = await rawToken(setup.emulator, ADELE, READ_WRITE);
    setup.emulator.advanceClock(-3600 + 20);
    const slightlyAhead = await rawToken(setup.emulator, ADELE, READ_WRITE);
    setup.emulator.advanceClock(-20);
    await expectRefused(await list(setup.api, expired), /expired/);
    await expectRefused(await list(setup.api, early), /not valid yet/);
    expect((await list(setup.api, slightlyAhead)).statusCode).toBe(200);
  });
});

describe("scope", () => {
  it("a token without Tasks.ReadWrite: 403 insufficient_scope naming the scope", async () => {
    // A tenant where only Tasks.Read is consented: the token carries only that.
    const readOnlyTenant = await startTenant([READ_ONLY]);
    const readOnlyApi = await apiFor(readOnlyTenant);
    const readOnly = await rawToken(readOnlyTenant, ADELE, READ_ONLY);
    expect(decodeJwt(readOnly).scp).toBe("Tasks.Read");
    const response = await list(readOnlyApi, readOnly);
    await readOnlyApi.close();
    await readOnlyTenant.close();
    expect(response.statusCode).toBe(403);
    expect(challengeOf(response.headers["www-authenticate"] as string)).toMatchObject({
      error: "insufficient_scope",
      scope: "Tasks.ReadWrite",
    });
    expect(response.json().code).toBe("insufficient_scope");
  });
});

describe("where the keys come from", () => {
  it("answers 503 keys_unavailable when they cannot be fetched: the caller's token is not to blame", async () => {
    const down = await apiFor(setup.emulator, { jwksUri: "http://127.0.0.1:9/keys" });
    const response = await list(down, apiToken);
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe("keys_unavailable");
    await down.close();
  });

  it("retries discovery after a failure: a flaky authority does not break the API for good", async () => {
    let calls = 0;
    const flaky = createServer((req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(500).end();
      // The emulator's discovery document, as if this server were the authority.
      void fetch(`${setup.emulator.url}${req.url}`).then(async (r) => res.end(await r.text()));
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const host = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const retrying = await apiFor(setup.emulator, {
      authorityHost: host,
      issuer: `${setup.emulator.url}/{tenantid}/v2.0`,
    });
    expect((await list(retrying, apiToken)).statusCode).toBe(503);
    expect((await list(retrying, apiToken)).statusCode).toBe(200);
    await retrying.close();
    await new Promise((resolve) => flaky.close(resolve));
  });

  it("takes the authority as a promise, so the API can start before the emulator listens", async () => {
    let resolveHost: (url: string) => void = () => {};
    const early = await apiFor(setup.emulator, {
      authorityHost: new Promise((resolve) => (resolveHost = resolve)),
    });
    resolveHost(setup.emulator.url);
    expect((await list(early, apiToken)).statusCode).toBe(200);
    await early.close();
  });
});
