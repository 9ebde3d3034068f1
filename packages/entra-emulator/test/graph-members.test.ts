import { beforeAll, describe, expect, it } from "vitest";
import { GROUP_IDS, PROJECT_GROUP_IDS } from "../src/default-directory.js";
import type { Emulator } from "../src/index.js";
import { emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { ADELE, signInTokens } from "./helpers/oauth.js";

const GRADY = "GradyA@M365x214355.onmicrosoft.com";
const emulator = emulatorForFile();
let gradyToken: string;

beforeAll(async () => {
  gradyToken = (await signInTokens(emulator, GRADY)).access_token;
});

function graph(
  em: Emulator,
  path: string,
  token: string,
  init: { method?: string; body?: string; type?: string } = {},
) {
  return fetch(`${em.graphBaseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { "content-type": init.type ?? "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

const post = (em: Emulator, action: string, token: string, body: unknown) =>
  graph(em, `/v1.0/me/${action}`, token, { method: "POST", body: JSON.stringify(body) });

describe("POST /v1.0/me/getMemberGroups and getMemberObjects", () => {
  it("returns every group id in one unpaged answer, security groups only when asked", async () => {
    const all = await post(emulator, "getMemberGroups", gradyToken, { securityEnabledOnly: false });
    expect(all.status).toBe(200);
    const body = (await all.json()) as { value: string[]; "@odata.nextLink"?: string };
    expect(body.value).toHaveLength(251);
    expect(body).not.toHaveProperty("@odata.nextLink");
    expect(body.value).toContain(GROUP_IDS.allCompany);
    const security = (await (
      await post(emulator, "getMemberGroups", gradyToken, { securityEnabledOnly: true })
    ).json()) as {
      value: string[];
    };
    expect(security.value).toEqual([...PROJECT_GROUP_IDS]);
    const objects = await post(emulator, "getMemberObjects", gradyToken, { securityEnabledOnly: true });
    expect(((await objects.json()) as { value: string[] }).value).toHaveLength(250);
  });

  it("refuses a token with only User.Read (GroupMember.Read.All needs admin consent) with 403 in Graph's shape", async () => {
    const userReadOnly = await startWithClient({ permissions: ["User.Read"], adminConsent: ["User.Read"] });
    try {
      const token = (await signInTokens(userReadOnly, GRADY)).access_token;
      const response = await post(userReadOnly, "getMemberGroups", token, { securityEnabledOnly: true });
      expect(response.status).toBe(403);
      const body = (await response.json()) as { error: { code: string; innerError: unknown } };
      expect(body.error.code).toBe("Authorization_RequestDenied");
      expect(body.error.innerError).toBeDefined();
    } finally {
      await userReadOnly.close();
    }
  });

  it("answers a missing or malformed body with 400, never 5xx", async () => {
    for (const body of ["{}", '{"securityEnabledOnly":"yes"}', "{not json", "null"]) {
      const response = await graph(emulator, "/v1.0/me/getMemberGroups", gradyToken, {
        method: "POST",
        body,
      });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/BadRequest/);
    }
    const noToken = await fetch(`${emulator.graphBaseUrl}/v1.0/me/getMemberGroups`, { method: "POST" });
    expect(noToken.status).toBe(401);
  });
});

describe("GET /v1.0/me/transitiveMemberOf", () => {
  it("pages with @odata.nextLink (100 by default) and honours $top and $select", async () => {
    const ids: string[] = [];
    let url: string | undefined = "/v1.0/me/transitiveMemberOf";
    let pages = 0;
    while (url) {
      const response = await graph(emulator, url.replace(emulator.graphBaseUrl, ""), gradyToken);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        value: { id: string; "@odata.type": string }[];
        "@odata.nextLink"?: string;
      };
      for (const item of body.value) {
        expect(item["@odata.type"]).toBe("#microsoft.graph.group");
        ids.push(item.id);
      }
      url = body["@odata.nextLink"];
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(251);
    const selected = await graph(
      emulator,
      "/v1.0/me/transitiveMemberOf?$top=2&$select=displayName",
      gradyToken,
    );
    const body = (await selected.json()) as { value: Record<string, unknown>[]; "@odata.nextLink": string };
    expect(body.value).toEqual([
      { "@odata.type": "#microsoft.graph.group", displayName: "Project Team 001" },
      { "@odata.type": "#microsoft.graph.group", displayName: "Project Team 002" },
    ]);
    expect(new URL(body["@odata.nextLink"]).searchParams.get("$top")).toBe("2");
  });

  it("lists memberships with User.Read alone, but with every property except the id null", async () => {
    const userReadOnly = await startWithClient({ permissions: ["User.Read"], adminConsent: ["User.Read"] });
    try {
      const token = (await signInTokens(userReadOnly, ADELE)).access_token;
      const body = (await (await graph(userReadOnly, "/v1.0/me/transitiveMemberOf", token)).json()) as {
        value: Record<string, unknown>[];
      };
      expect(body.value.map((g) => g.id)).toEqual([GROUP_IDS.salesAndMarketing, GROUP_IDS.allCompany]);
      expect(body.value[0]?.displayName).toBeNull();
      const full = (await (
        await graph(
          emulator,
          "/v1.0/me/transitiveMemberOf",
          (
            await signInTokens(emulator, ADELE)
          ).access_token,
        )
      ).json()) as {
        value: Record<string, unknown>[];
      };
      expect(full.value[0]?.displayName).toBe("Sales and Marketing");
      expect(full.value[1]?.groupTypes).toEqual(["Unified"]);
    } finally {
      await userReadOnly.close();
    }
  });
});
