import type { HotFrame } from "../lib/cpu-profile.js";
import type { ProfileReport } from "./results.js";
import { table } from "./table.js";

/** Each profiled BFF's hottest functions and packages, by self and by total (inclusive) time. */
export function renderProfiles(profiles: readonly ProfileReport[]): string[] {
  const out: string[] = [];
  for (const { bff, targets, summary: p, requests } of profiles) {
    // With one target, shares of busy time become µs per request: the busy time the samples stand
    // for (the main thread's CPU, roughly) divided by the answers in those runs.
    const perRequest = requests ? p.busyMicros / requests : undefined;
    const us = (percent: number) =>
      perRequest === undefined ? [] : [((percent / 100) * perRequest).toFixed(1)];
    const rows = (frames: HotFrame[]) =>
      frames.map((f) => [
        f.selfPercent.toFixed(1),
        ...us(f.selfPercent),
        f.totalPercent.toFixed(1),
        ...us(f.totalPercent),
        f.frame,
      ]);
    const head = (what: string) => [
      "self %",
      ...(perRequest === undefined ? [] : ["self µs/req"]),
      "total %",
      ...(perRequest === undefined ? [] : ["total µs/req"]),
      what,
    ];
    out.push(
      `CPU profile of the ${bff} during the measured runs of ${targets.join("; ") || "no target"}${p.windowed ? "" : " (whole process: no sample fell in the measured runs)"}: ${p.samples} samples, busy ${p.busyPercent} %; shares are of busy time${perRequest === undefined ? "" : `; µs/req: of the ${perRequest.toFixed(0)} µs of busy main-thread time per request the samples stand for (the server CPU column also counts GC and I/O threads)`}. Self: in the function itself; total: the function anywhere on the stack (Node core and native frames left out of the by-total lists).`,
    );
    out.push("");
    out.push(table(head("function (by self time)"), rows(p.functions)));
    out.push("");
    out.push(table(head("function (by total time)"), rows(p.functionsByTotal)));
    out.push("");
    out.push(table(head("package / file (by self time)"), rows(p.packages)));
    out.push("");
    out.push(table(head("package / file (by total time)"), rows(p.packagesByTotal)));
    out.push("");
  }
  return out;
}
