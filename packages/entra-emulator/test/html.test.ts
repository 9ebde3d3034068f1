import { describe, expect, it } from "vitest";
import { escapeHtml, unescapeHtml } from "../src/html.js";

describe("escapeHtml / unescapeHtml (pages the emulator writes, the picker signIn() reads)", () => {
  it("escapes the five characters that matter in content and quoted attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("round-trips text that already looks escaped, without decoding it twice", () => {
    for (const text of ["&lt;script&gt;", "&amp;amp;", `"O'Brien" <o@contoso.com>`, "plain"]) {
      expect(unescapeHtml(escapeHtml(text))).toBe(text);
    }
  });
});
