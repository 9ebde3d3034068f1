import type { AppConfig } from "./config.js";

export interface BannerInput {
  config: AppConfig;
  /** Where the server listens, e.g. http://127.0.0.1:5000. */
  listening: string;
  /** The emulator's users ("Name <upn>"), empty with a real tenant. */
  demoUsers: readonly string[];
}

/** The start-up banner: where the app is, which mode, which demo users exist; three lines. */
export function bannerLines({ config, listening, demoUsers }: BannerInput): [string, string, string] {
  const idp = config.idp;
  const sessions = config.redis ? "sessions in Redis" : "sessions in memory";
  const where = `Entra BFF: open ${config.publicUrl} (listening on ${listening})`;
  if (idp.emulator) {
    return [
      where,
      `Mode: emulator — sign-in uses the local Entra ID emulator at ${idp.authorityHost}, not a real tenant; ${sessions}`,
      `Demo users (no password): ${demoUsers.join(", ") || "see the emulator's tenant"}`,
    ];
  }
  return [
    where,
    `Mode: Microsoft Entra tenant ${idp.tenantId}, client ${idp.clientId} at ${idp.authorityHost}; ${sessions}`,
    "Demo users: none — sign in with an account of your tenant",
  ];
}
