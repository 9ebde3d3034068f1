import { describe, expect, it } from "vitest";
import { parseOptions } from "../src/options.js";

describe("parseOptions", () => {
  it("takes --only target names case-insensitively, without duplicates", () => {
    expect(parseOptions(["--only", "Session,meSTUB,session"]).only).toEqual(["session", "meStub"]);
  });

  it("refuses an unknown --only target, naming it", () => {
    expect(() => parseOptions(["--only", "sessions"])).toThrow(/unknown target "sessions"/);
  });

  it("profiles one route in one 10 s round unless told otherwise", () => {
    const profiled = parseOptions(["--profile", "--only", "session"]);
    expect(profiled).toMatchObject({ durationSeconds: 10, rounds: 1, profile: true });
    expect(parseOptions(["--profile", "--only", "session", "--duration", "3"]).durationSeconds).toBe(3);
    expect(parseOptions(["--profile"])).toMatchObject({ durationSeconds: 5, rounds: 3 });
  });
});
