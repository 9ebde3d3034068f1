import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import { ADELE, clientCredentials, signInTokens } from "./helpers/oauth.js";

// Graph /users for the demo tenant, Graph's permission rules, and Graph's error shape elsewhere.
const emulator = emulatorForFile();
let basic: string; // Megan, with User.ReadBasic.All (consented on the picker's consent step)
let userRead: string; // Adele, with User.Read only
const CAPTURES = JSON.parse(
  readFileSync(new URL("../reference/graph-errors.json", import.meta.url), "utf8"),
) as { errors: { id: string; body: { error: { code: string; message: string; innerError: object } } }[] };
const MEGAN_ID = "48d31887-5fad-4d73-a9f5-3c356e68a038";
const ADELE_ID = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
beforeAll(async () => {
  basic = (
    await signInTokens(emulator, "MeganB@M365x214355.onmicrosoft.com", {
      scope: "openid offline_access User.ReadBasic.All",
    })
  ).access_token;
  userRead = (await signInTokens(emulator, ADELE)).access_token;
});

/** A Graph answer: a collection (`value`), an entity, or an error envelope. */
type GraphBody = Record<string, unknown> & {
  value: Record<string, unknown>[];
  "@odata.nextLink"?: string;
  error: { code: string; message: string; innerError: Record<string, string> };
};

async function graph(path: string, accessToken: string | undefined, init: RequestInit = {}) {
  const response = await fetch(path.startsWith("http") ? path : `${emulator.graphBaseUrl}/v1.0${path}`, {
    ...init,
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      "client-request-id": "11111111-2222-3333-4444-555555555555",
    },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphBody,
  };
}

const names = (body: GraphBody) => body.value.map((u) => String(u.displayName));

describe("GET /v1.0/users", () => {
  it("lists the demo tenant's users with User.ReadBasic.All", async () => {
    const { status, body } = await graph("/users", basic);
    expect(status).toBe(200);
    expect(body["@odata.context"]).toBe(`${emulator.graphBaseUrl}/v1.0/$metadata#users`);
    expect(names(body)).toEqual(emulator.users.map((u) => u.displayName));
    expect(body["@odata.nextLink"]).toBeUndefined();
    expect(body.value[0]).toEqual({
      businessPhones: ["+1 425 555 0109"],
      displayName: "Adele Vance",
      givenName: "Adele",
      jobTitle: "Product Marketing Manager",
      mail: ADELE,
      mobilePhone: null,
      officeLocation: "18/2111",
      preferredLanguage: "en-US",
      surname: "Vance",
      userPrincipalName: ADELE,
      id: ADELE_ID,
    });
  });

  it("pages with $top and @odata.nextLink, keeping $select, until every user was seen once", async () => {
    const seen: string[] = [];
    let next: string | undefined = "/users?$top=2&$select=displayName,id";
    let pages = 0;
    while (next) {
      const { status, body }: { status: number; body: GraphBody } = await graph(next, basic);
      expect(status).toBe(200);
      expect(body.value.length).toBeLessThanOrEqual(2);
      for (const user of body.value) expect(Object.keys(user)).toEqual(["displayName", "id"]);
      seen.push(...names(body));
      next = body["@odata.nextLink"];
      if (next) expect(new URL(next).searchParams.get("$select")).toBe("displayName,id");
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(emulator.users.map((u) => u.displayName));
  });

  it("projects $select and names it in @odata.context", async () => {
    const { body } = await graph("/users?$select=id,userPrincipalName", basic);
    expect(body["@odata.context"]).toBe(
      `${emulator.graphBaseUrl}/v1.0/$metadata#users(id,userPrincipalName)`,
    );
    expect(body.value[0]).toEqual({ id: ADELE_ID, userPrincipalName: ADELE });
  });

  it("filters with startswith(displayName,'…'), case-insensitively, with '' as an escaped quote", async () => {
    const { body } = await graph(
      `/users?$filter=${encodeURIComponent("startswith(displayName,'a')")}`,
      basic,
    );
    expect(names(body)).toEqual(["Adele Vance", "Alex Wilber"]);
    const quoted = await graph(
      `/users?$filter=${encodeURIComponent("startswith(displayName,'O''Brien')")}`,
      basic,
    );
    expect(quoted.status).toBe(200);
    expect(quoted.body.value).toEqual([]);
  });

  it.each([
    ["$top=0", 400, "BadRequest"],
    ["$top=1000", 400, "BadRequest"],
    ["$top=ten", 400, "BadRequest"],
    ["$select=password", 400, "BadRequest"],
    ["$filter=displayName eq 'Adele Vance'", 400, "BadRequest"],
    ["$filter=startswith(jobTitle,'A')", 400, "Request_UnsupportedQuery"],
    ["$orderby=displayName", 400, "Request_UnsupportedQuery"],
    ["$skiptoken=not-a-token!", 400, "BadRequest"],
  ])("answers %s with %i %s", async (query, status, code) => {
    const [name, value = ""] = query.split(/=(.*)/s);
    const response = await graph(`/users?${name}=${encodeURIComponent(value)}`, basic);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it("refuses a User.Read-only token (listing needs User.ReadBasic.All or broader) with 403", async () => {
    const { status, body } = await graph("/users", userRead);
    expect(status).toBe(403);
    expect(body.error).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
  });

  it("refuses an app-only token without the User.Read.All application permission", async () => {
    const app = await clientCredentials(emulator);
    expect((await graph("/users", String(app.body.access_token))).status).toBe(403);
  });

  it("answers 401 without a token", async () => {
    expect((await graph("/users", undefined)).status).toBe(401);
  });
});

describe("GET /v1.0/users/{id|upn}", () => {
  it("returns a user by id or by UPN, with $select", async () => {
    const byId = await graph(`/users/${ADELE_ID}`, basic);
    expect(byId.status).toBe(200);
    expect(byId.body["@odata.context"]).toBe(`${emulator.graphBaseUrl}/v1.0/$metadata#users/$entity`);
    expect(byId.body.displayName).toBe("Adele Vance");
    const byUpn = await graph(`/users/${encodeURIComponent(ADELE.toLowerCase())}?$select=displayName`, basic);
    expect(byUpn.body).toEqual({
      "@odata.context": `${emulator.graphBaseUrl}/v1.0/$metadata#users(displayName)/$entity`,
      displayName: "Adele Vance",
    });
  });

  it("lets User.Read read only the signed-in user: others are 403, whether they exist or not", async () => {
    expect((await graph(`/users/${ADELE_ID}`, userRead)).status).toBe(200);
    expect((await graph(`/users/${MEGAN_ID}`, userRead)).status).toBe(403);
    expect((await graph("/users/00000000-0000-0000-0000-000000000000", userRead)).status).toBe(403);
  });

  it("answers an unknown user with Graph's 404 Request_ResourceNotFound in Graph's error shape", async () => {
    const { status, headers, body } = await graph("/users/nobody@M365x214355.onmicrosoft.com", basic);
    expect(status).toBe(404);
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error)).toEqual(["code", "message", "innerError"]);
    // As captured (reference/graph-errors.json), with this request's id in the message.
    const captured = CAPTURES.errors.find((e) => e.id === "user_not_found")?.body.error;
    expect(Object.keys(body.error.innerError)).toEqual(Object.keys(captured?.innerError ?? {}));
    expect(body.error.code).toBe(captured?.code);
    expect(body.error.message).toBe(
      captured?.message.replace(/'[^']+'/, "'nobody@M365x214355.onmicrosoft.com'"),
    );
    expect(body.error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      "request-id": headers.get("request-id"),
      "client-request-id": "11111111-2222-3333-4444-555555555555",
    });
  });
});

describe("Graph paths the emulator does not serve", () => {
  it.each([
    ["/me/messages", "messages"],
    ["/groups", "groups"],
    [`/users/${ADELE_ID}/manager`, "manager"],
  ])("answers GET %s with 400 BadRequest naming the segment, in Graph's shape", async (path, segment) => {
    const { status, body } = await graph(path, basic);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: "BadRequest",
      message: `Resource not found for the segment '${segment}'.`,
      innerError: { "client-request-id": "11111111-2222-3333-4444-555555555555" },
    });
  });

  it("treats prototype property names as unknown segments", async () => {
    const { status, body } = await graph("/constructor", basic);
    expect(status).toBe(400);
    expect(body.error.message).toBe("Resource not found for the segment 'constructor'.");
  });

  it("answers an over-long user id (beyond the router's limit) with 404 Request_ResourceNotFound", async () => {
    const { status, body } = await graph(`/users/${"a".repeat(500)}`, basic);
    expect(status).toBe(404);
    expect(body.error.code).toBe("Request_ResourceNotFound");
  });

  it("answers a method the path does not support with 405 in Graph's shape", async () => {
    const { status, body } = await graph("/me", basic, { method: "DELETE" });
    expect(status).toBe(405);
    expect(body.error.code).toBe("Request_BadRequest");
  });

  it("checks the token first, as Graph does", async () => {
    const { status, body } = await graph("/groups", undefined);
    expect(status).toBe(401);
    expect(body.error.code).toBe("InvalidAuthenticationToken");
  });
});
