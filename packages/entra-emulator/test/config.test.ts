import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, EmulatorConfigError, loadConfig, parseConfig, startEmulator } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "emu-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("the built-in tenant", () => {
  it("has at least five Contoso personas with fixed GUIDs, exactly one without a photo", () => {
    const names = DEFAULT_CONFIG.users.map((u) => u.displayName);
    expect(names).toEqual(
      expect.arrayContaining([
        "Adele Vance",
        "Megan Bowen",
        "Alex Wilber",
        "Lynne Robbins",
        "Diego Siciliani",
      ]),
    );
    expect(DEFAULT_CONFIG.users.filter((u) => !u.hasPhoto).map((u) => u.displayName)).toEqual([
      "Diego Siciliani",
    ]);
    expect(DEFAULT_CONFIG.tenant.id).toBe("dcd219dd-bc68-4b9b-bf0b-4a33a796be35");
    expect(DEFAULT_CONFIG.clients[0]?.redirectUris).toEqual([
      "http://localhost:5000/getAToken",
      "http://localhost:5000/",
    ]);
  });
});

describe("startEmulator()", () => {
  it("binds to loopback on a free port by default and registers the extra redirect URIs", async () => {
    const emulator = await startEmulator({ redirectUris: ["http://localhost:6123/getAToken"] });
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.authority).toBe(`${emulator.url}/${emulator.tenantId}`);
      expect(emulator.client.redirectUris).toEqual([
        "http://localhost:5000/getAToken",
        "http://localhost:5000/",
        "http://localhost:6123/getAToken",
      ]);
    } finally {
      await emulator.close();
    }
  });

  it("does not leak one emulator's extra redirect URIs into the built-in defaults", async () => {
    const emulator = await startEmulator({ redirectUris: ["http://localhost:6124/getAToken"] });
    await emulator.close();
    expect(DEFAULT_CONFIG.clients[0]?.redirectUris).not.toContain("http://localhost:6124/getAToken");
  });

  it("loads users, clients and lifetimes from a JSON file", async () => {
    const path = writeJson("tenant.json", {
      tenant: {
        id: "11111111-2222-3333-4444-555555555555",
        domain: "fabrikam.onmicrosoft.com",
        displayName: "Fabrikam",
      },
      clients: [
        {
          clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
          clientSecrets: ["s3cret"],
          redirectUris: ["http://localhost:9000/cb"],
        },
      ],
      users: [
        {
          id: "99999999-8888-7777-6666-555555555555",
          displayName: "Test User",
          userPrincipalName: "test@fabrikam.onmicrosoft.com",
          hasPhoto: false,
        },
      ],
      lifetimes: { accessTokenSeconds: 600 },
    });
    const emulator = await startEmulator({ config: path });
    try {
      expect(emulator.tenantId).toBe("11111111-2222-3333-4444-555555555555");
      expect(emulator.client).toMatchObject({
        clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        clientSecret: "s3cret",
      });
      expect(emulator.users.map((u) => u.userPrincipalName)).toEqual(["test@fabrikam.onmicrosoft.com"]);
      const discovery = (await (await fetch(emulator.discoveryUrl)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(`${emulator.url}/11111111-2222-3333-4444-555555555555/v2.0`);
    } finally {
      await emulator.close();
    }
    expect(loadConfig(path).lifetimes).toEqual({ ...DEFAULT_CONFIG.lifetimes, accessTokenSeconds: 600 });
  });

  it.each([
    ["a file that does not exist", () => loadConfig(join(dir, "missing.json")), /cannot read/],
    ["a file that is not JSON", () => loadConfig(writeJson("bad.json", "{nope")), /is not valid JSON/],
    [
      "a tenant id that is not a GUID",
      () => parseConfig({ tenant: { id: "contoso", domain: "x" } }),
      /tenant\.id must be a GUID/,
    ],
    ["an empty user list", () => parseConfig({ users: [] }), /users must be a non-empty array/],
    [
      "a user without a UPN",
      () => parseConfig({ users: [{ id: DEFAULT_CONFIG.users[0]?.id, displayName: "X" }] }),
      /users\[0\]\.userPrincipalName/,
    ],
    [
      "a client without credentials",
      () => parseConfig({ clients: [{ clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }] }),
      /needs at least one of clientSecrets or certificates/,
    ],
    [
      "a redirect URI that is not a URL",
      () =>
        parseConfig({
          clients: [
            {
              clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
              clientSecrets: ["s"],
              redirectUris: ["not a url"],
            },
          ],
        }),
      /invalid URI/,
    ],
    [
      "a post-logout redirect URI that is a script (javascript:)",
      () =>
        parseConfig({
          clients: [
            {
              clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
              clientSecrets: ["s"],
              postLogoutRedirectUris: ["javascript:alert(document.domain)//"],
            },
          ],
        }),
      /invalid URI "javascript:alert\(document\.domain\)\/\/" \(an http or https URL is needed\)/,
    ],
    [
      "a zero lifetime",
      () => parseConfig({ lifetimes: { codeSeconds: 0 } }),
      /lifetimes\.codeSeconds must be a positive integer/,
    ],
    [
      "duplicate users",
      () => parseConfig({ users: [DEFAULT_CONFIG.users[0], DEFAULT_CONFIG.users[0]] }),
      /duplicate user/,
    ],
  ])("rejects %s with an EmulatorConfigError naming the problem", (_name, load, message) => {
    expect(load).toThrow(EmulatorConfigError);
    expect(load).toThrow(message);
  });
});

describe("startEmulator's extra URIs (the CLI's --redirect-uri / --post-logout-redirect-uri)", () => {
  it.each([
    ["redirectUris", "not a url"],
    ["postLogoutRedirectUris", "javascript:alert(document.domain)//"],
    ["postLogoutRedirectUris", "data:text/html,<script>alert(1)</script>"],
  ])("refuses %s %s: only http(s) URLs are redirect targets", async (option, uri) => {
    await expect(startEmulator({ [option]: [uri] })).rejects.toThrow(/is not an http or https URL/);
  });
});
