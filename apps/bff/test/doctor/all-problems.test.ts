import type { Emulator } from "@entra-bff/entra-emulator";
import { describe, expect, it } from "vitest";
import { runDoctor } from "../../src/doctor/run.js";
import { emulator, tenantEnv } from "./doctor-tenant.js";

let emu: Emulator | undefined;

/** A real-tenant environment with `overrides`, against a fresh emulator (kept in `emu`). */
async function envWith(overrides: Record<string, string | undefined>) {
  emu = await emulator();
  return tenantEnv(emu, overrides);
}

describe("the doctor lists every configuration problem", { timeout: 30_000 }, () => {
  it("gives three findings, each with its own fix, for three bad variables", async () => {
    const report = await runDoctor(
      await envWith({ ENTRA_CLIENT_ID: "not-a-guid", PORT: "http", SESSION_SECRET: "short" }),
    );
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => [check.id, check.status, check.detail.split(":")[0]])).toEqual([
      ["configuration", "fail", "ENTRA_CLIENT_ID"],
      ["configuration", "fail", "PORT"],
      ["configuration", "fail", "SESSION_SECRET"],
    ]);
    const fixes = report.checks.map((check) => check.fix);
    expect(fixes[0]).toContain("Application (client) ID");
    expect(fixes[1]).toContain("PORT=5000");
    expect(fixes[2]).toContain("openssl rand");
    expect(emu?.requests()).toHaveLength(0);
  });

  it.each(["not-a-guid", "11111111-2222-3333"])(
    "names %s as a bad ENTRA_TENANT_ID before any network call",
    async (tenant) => {
      const report = await runDoctor(await envWith({ ENTRA_TENANT_ID: tenant }));
      expect(report.checks).toHaveLength(1);
      expect(report.checks[0]).toMatchObject({ id: "configuration", status: "fail" });
      expect(report.checks[0]?.detail).toMatch(new RegExp(`^ENTRA_TENANT_ID: invalid value "${tenant}"`));
      expect(report.checks[0]?.fix).toContain("Directory (tenant) ID");
      expect(emu?.requests()).toHaveLength(0);
    },
  );
});
