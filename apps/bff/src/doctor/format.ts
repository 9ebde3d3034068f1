import type { CheckStatus } from "./check.js";
import type { DoctorReport } from "./run.js";

const MARKS: Record<CheckStatus, { mark: string; color: string }> = {
  pass: { mark: "✓", color: "\u001b[32m" },
  fail: { mark: "✗", color: "\u001b[31m" },
  warn: { mark: "!", color: "\u001b[33m" },
  skip: { mark: "-", color: "\u001b[2m" },
};
const RESET = "\u001b[0m";

/** Renders the doctor's checklist: one mark and line per check, a fix under each failure or warning. */
export function formatReport(report: DoctorReport, options: { color?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string) =>
    options.color ? `${MARKS[status].color}${text}${RESET}` : text;
  const lines = ["entra-bff doctor", ""];
  for (const check of report.checks) {
    lines.push(`${paint(check.status, MARKS[check.status].mark)} ${check.title}: ${check.detail}`);
    if (check.fix && (check.status === "fail" || check.status === "warn"))
      lines.push(`    Fix: ${check.fix}`);
  }
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  lines.push(
    "",
    `${count("fail")} failed, ${count("warn")} warning(s), ${count("pass")} passed, ${count("skip")} skipped.`,
  );
  lines.push(
    report.ok ? "Ready to start: pnpm start" : "Fix the failures above and run `pnpm run doctor` again.",
  );
  return lines.join("\n");
}
