import { describe, expect, it } from "vitest";
import { firstName, formatRelative, initials, telHref } from "./format.js";

describe("initials", () => {
  it.each([
    ["Adele Vance", "AV"],
    ["MOD Administrator", "MA"],
    ["Alex Van Der Wilber", "AW"],
    ["  megan  ", "M"],
    ["", "?"],
    [null, "?"],
  ])("turns %j into %j", (name, expected) => {
    expect(initials(name)).toBe(expected);
  });
});

describe("firstName", () => {
  it("prefers the given name, then the first word of the display name", () => {
    expect(firstName("Adele Vance", "Adele")).toBe("Adele");
    expect(firstName("Adele Vance", null)).toBe("Adele");
    expect(firstName(null, null)).toBe("there");
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2030-01-01T12:00:00Z");
  it("uses the largest unit that fits", () => {
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    expect(formatRelative("2030-01-01T20:00:00Z", now)).toBe(rtf.format(8, "hour"));
    expect(formatRelative("2030-01-01T12:25:00Z", now)).toBe(rtf.format(25, "minute"));
    expect(formatRelative("2030-01-03T12:00:00Z", now)).toBe(rtf.format(2, "day"));
  });

  it("answers an empty string for a date it cannot read", () => {
    expect(formatRelative("not a date", now)).toBe("");
  });
});

describe("telHref", () => {
  it("keeps only digits and the plus sign", () => {
    expect(telHref("+1 (425) 555-0109")).toBe("tel:+14255550109");
  });
});
