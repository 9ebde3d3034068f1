import { DEFAULT_CONFIG, type EmulatorConfig } from "@entra-bff/entra-emulator";
import type { FastifyPluginAsync } from "fastify";
import type { Requirements } from "../../src/authz/requirements.js";

export const MEGAN = "MeganB@M365x214355.onmicrosoft.com";
export const DIEGO = "DiegoS@M365x214355.onmicrosoft.com";
export const GRADY = "GradyA@M365x214355.onmicrosoft.com";
export const KIM = "KimA@fabrikam.onmicrosoft.com";
export const FABRIKAM_ID = "a3b5c7d9-2e4f-4a6b-8c0d-1e3f5a7b9c11";
/** The emulator's built-in groups (packages/entra-emulator/src/default-directory.ts). */
export const SALES_AND_MARKETING = "3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e01";
export const FINANCE = "3f0f3a5c-1c1e-4d6e-9b0a-7d1d2a6c5e02";
export const projectGroup = (n: number) => `7b2c9e10-4f3a-4c8d-a1e5-${n.toString(16).padStart(12, "0")}`;

/** Test-only /api routes that require a role or a group, registered through apiPlugins. */
export function gatedRoutes(routes: Record<string, Requirements>): FastifyPluginAsync {
  return async (app) => {
    for (const [path, requires] of Object.entries(routes)) {
      app.get(path, { config: { csrf: true, session: "required", requires } }, async () => ({ ok: true }));
    }
  };
}

/** The built-in directory with the default client changed. */
export function withClient(overrides: Partial<EmulatorConfig["clients"][number]>): EmulatorConfig {
  const [builtIn, ...rest] = DEFAULT_CONFIG.clients;
  if (!builtIn) throw new Error("the built-in tenant has no client");
  return { ...DEFAULT_CONFIG, clients: [{ ...builtIn, ...overrides }, ...rest] };
}
