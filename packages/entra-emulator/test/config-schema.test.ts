import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, loadConfig, parseConfig } from "../src/index.js";

// config.schema.json documents the --config file; these tests keep it and the parser in step.
const schemaUrl = new URL("../config.schema.json", import.meta.url);
const schema = JSON.parse(readFileSync(schemaUrl, "utf8"));
const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const examplePath = new URL("../examples/tenant.json", import.meta.url).pathname;

type Props = Record<string, { properties?: Props; items?: { properties?: Props } }>;
const props = schema.properties as Props;
const keysOf = (p: Props | undefined) => Object.keys(p ?? {}).sort();

describe("config.schema.json", () => {
  it("describes exactly the keys the parser produces (a new config key needs its schema entry)", () => {
    const parsed = parseConfig(DEFAULT_CONFIG);
    expect(keysOf(props).filter((k) => k !== "$schema")).toEqual(Object.keys(parsed).sort());
    expect(keysOf(props.tenant?.properties)).toEqual(Object.keys(parsed.tenant).sort());
    expect(keysOf(props.clients?.items?.properties)).toEqual(Object.keys(parsed.clients[0] ?? {}).sort());
    const userProps = (schema.definitions as Props).user?.properties;
    expect(keysOf(userProps)).toEqual(Object.keys(parsed.users[0] ?? {}).sort());
    expect(keysOf(props.groups?.items?.properties)).toEqual(Object.keys(parsed.groups?.[0] ?? {}).sort());
    const tenantKeys = Object.keys(parsed.tenants?.[0] ?? {}).sort();
    expect(keysOf(props.tenants?.items?.properties)).toEqual(tenantKeys);
    const identityKeys = Object.keys(parsed.managedIdentities?.[0] ?? {}).sort();
    expect(keysOf(props.managedIdentities?.items?.properties)).toEqual(identityKeys);
    expect(keysOf(props.lifetimes?.properties)).toEqual(Object.keys(parsed.lifetimes).sort());
    // The built-in tenant registers no API: the example does.
    const api = loadConfig(examplePath).apis[0];
    expect(api).toBeDefined();
    expect(keysOf(props.apis?.items?.properties)).toEqual(Object.keys(api ?? {}).sort());
  });

  it("accepts the built-in tenant and the shipped example, which the emulator also loads", () => {
    expect(validate(DEFAULT_CONFIG), JSON.stringify(validate.errors)).toBe(true);
    const example = JSON.parse(readFileSync(examplePath, "utf8"));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(loadConfig(examplePath).clients[0]?.redirectUris).toEqual(["http://localhost:3000/auth/callback"]);
  });

  it("rejects what the parser rejects: a non-GUID id, a client without a credential, a zero lifetime", () => {
    const bad = [
      { tenant: { id: "contoso", domain: "contoso.onmicrosoft.com" } },
      { clients: [{ clientId: DEFAULT_CONFIG.tenant.id, redirectUris: [] }] },
      { lifetimes: { accessTokenSeconds: 0 } },
      {
        apis: [
          { appId: DEFAULT_CONFIG.tenant.id, scopes: ["Tasks.ReadWrite"], requestedAccessTokenVersion: 3 },
        ],
      },
      { apis: [{ appId: DEFAULT_CONFIG.tenant.id, scopes: [] }] },
    ];
    for (const config of bad) {
      expect(validate(config)).toBe(false);
      expect(() => parseConfig(config)).toThrow(/entra-emulator config/);
    }
  });

  it("flags a misspelt key that the parser would silently ignore", () => {
    expect(
      validate({ clients: [{ clientId: DEFAULT_CONFIG.tenant.id, clientSecrets: ["s"], redirectUri: "x" }] }),
    ).toBe(false);
  });
});
