import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellValue } from "../src/env-lines.js";

/** What a POSIX shell makes of `KEY=<word>`. */
function shellReads(word: string): string {
  return execFileSync("/bin/sh", ["-c", `V=${word}; printf %s "$V"`], { encoding: "utf8" });
}

describe("shellValue (the --print-env / --env-file values)", () => {
  it("leaves URLs, GUIDs and paths bare", () => {
    for (const value of [
      "https://127.0.0.1:5001/dcd219dd",
      "0e8f2f4c-7d51",
      "/tmp/entra-emulator-x/ca.pem",
    ]) {
      expect(shellValue(value)).toBe(value);
    }
  });

  it("single-quotes anything a shell would expand or split, and the shell reads the value back", () => {
    for (const value of ["Emu8Q~secret", "a b", "$HOME", "`id`", "it's", "a;b", 'x"y', "*", "~root"]) {
      const word = shellValue(value);
      expect(word.startsWith("'")).toBe(true);
      expect(shellReads(word)).toBe(value);
    }
  });
});
