/** A Markdown table with padded columns (reads fine in a terminal too). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** Bytes as `812 B` or `4.1 KB`. */
export const kb = (bytes: number) =>
  Math.abs(bytes) < 1024 ? `${Math.round(bytes)} B` : `${(bytes / 1024).toFixed(1)} KB`;

/** Bytes as `812 B` or `410.2 MB`, for heap totals. */
export const mb = (bytes: number) =>
  Math.abs(bytes) < 1024 * 1024 ? kb(bytes) : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const skippedText = (value: object) => `skipped: ${(value as { skipped: string }).skipped}`;
