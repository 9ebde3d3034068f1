import { describe, expect, it } from "vitest";
import {
  currentVersion,
  type RecordKind,
  readRecord,
  VERSION_FIELD,
  writeRecord,
} from "../../src/session/record-format.js";

const KINDS: RecordKind[] = ["session", "pre-login", "token-cache", "access-token"];

describe("versioned record format", () => {
  it.each(KINDS)("writes %s records with their format version and reads them back without it", (kind) => {
    const raw = writeRecord(kind, { a: 1, nested: { b: "x" } });
    expect(JSON.parse(raw)).toEqual({ [VERSION_FIELD]: currentVersion(kind), a: 1, nested: { b: "x" } });
    expect(currentVersion(kind)).toBeGreaterThanOrEqual(1);
    expect(readRecord(kind, raw)).toEqual({ a: 1, nested: { b: "x" } });
  });

  it("reads an unversioned record (as main wrote it before versioning) as version 0", () => {
    const old = JSON.stringify({ cookie: { originalMaxAge: null }, auth: { cacheKey: "k" } });
    expect(readRecord("session", old)).toEqual({ cookie: { originalMaxAge: null }, auth: { cacheKey: "k" } });
  });

  it("never lets a payload's own version field override the format version", () => {
    const raw = writeRecord("session", { [VERSION_FIELD]: 99, a: 1 });
    expect(JSON.parse(raw)[VERSION_FIELD]).toBe(currentVersion("session"));
    expect(readRecord("session", raw)).toEqual({ a: 1 });
  });

  it("treats a newer format, a bad version and corrupt or non-object data as no record", () => {
    const newer = JSON.stringify({ [VERSION_FIELD]: currentVersion("session") + 1, a: 1 });
    expect(readRecord("session", newer)).toBeUndefined();
    for (const version of [-1, 0.5, "1", null]) {
      expect(readRecord("session", JSON.stringify({ [VERSION_FIELD]: version, a: 1 }))).toBeUndefined();
    }
    for (const raw of [undefined, "", "{not json", "[1,2]", "null", "42", '"text"']) {
      expect(readRecord("access-token", raw)).toBeUndefined();
    }
  });
});
