import { describe, expect, it } from "vitest";
import { AADSTS, explainAadsts, parseAadstsCode } from "../../src/auth/aadsts.js";

// The codes of issue 10 and of the shared reference table (entra-reference/aadsts-codes.md).
const ISSUE_CODES = [
  50011, 50020, 50076, 50079, 65001, 70000, 54005, 700016, 7000215, 7000222, 90002, 500011, 530003, 700082,
];
const REFERENCE_CODES = [
  50011, 50034, 50053, 50055, 50057, 50058, 50076, 50079, 50105, 50126, 50173, 50194, 53003, 54005, 65001,
  65004, 70000, 70008, 700082, 700084, 70011, 700016, 700005, 7000215, 7000218, 7000222, 90002, 900144,
  9002313, 501481,
];
// What the doctor's credential check explains.
const DOCTOR_CODES = [700027];

describe("the AADSTS table", () => {
  it.each([...new Set([...ISSUE_CODES, ...REFERENCE_CODES, ...DOCTOR_CODES])])(
    "explains AADSTS%i with a name, a cause and a fix",
    (code) => {
      const entry = AADSTS[code];
      expect(entry).toBeDefined();
      expect(entry?.name.length).toBeGreaterThan(3);
      expect(entry?.cause).toMatch(/^[A-Z].{10,}\.$/);
      expect(entry?.fix).toMatch(/^[A-Z].{5,}\.$/);
    },
  );

  it("tells people to use the secret's Value, not its ID, for AADSTS7000215", () => {
    expect(AADSTS[7000215]?.fix).toContain("Value (not its ID)");
  });

  it("names the setting to change for an unknown tenant or app", () => {
    expect(AADSTS[90002]?.fix).toContain("ENTRA_TENANT_ID");
    expect(AADSTS[90002]?.fix).toContain("ENTRA_AUTHORITY_HOST");
    expect(AADSTS[700016]?.fix).toContain("ENTRA_CLIENT_ID");
    expect(AADSTS[50011]?.fix).toContain("/getAToken");
  });
});

describe("parseAadstsCode", () => {
  it.each([
    ["AADSTS50011: The redirect URI ...", 50011],
    ["AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x", 7000215],
    ["error: AADSTS90002: Tenant 'x' not found.", 90002],
    ["no code here", undefined],
    ["AADSTS12: too short", undefined],
    [undefined, undefined],
  ])("reads %j as %s", (description, code) => {
    expect(parseAadstsCode(description)).toBe(code);
  });
});

describe("explainAadsts", () => {
  it("returns undefined for an unknown or missing code", () => {
    expect(explainAadsts(1)).toBeUndefined();
    expect(explainAadsts(undefined)).toBeUndefined();
  });
});
