import type { SessionUser } from "@entra-bff/contracts";

/** What a signed-in session holds on the server. Never a token: those live in the token cache. */
export interface SessionAuth {
  /** MSAL account id (`uid.utid`), used to find the account in the session's token cache. */
  homeAccountId: string;
  user: SessionUser;
  /**
   * Random, chosen at sign-in: names this session's MSAL token cache and becomes the session id,
   * so all of the session's keys share one Redis hash tag (`{cacheKey}`).
   */
  cacheKey: string;
  /** `login_hint` claim, for a smoother sign-out. */
  loginHint?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms: the absolute end of the session. */
  expiresAt: number;
  /** Epoch ms: last request seen, updated at most once a minute. */
  lastSeenAt: number;
}

/** Who signed in, as the sign-in hands it to `sessions.start` (which stamps the times). */
export type SessionIdentity = Omit<SessionAuth, "createdAt" | "expiresAt" | "lastSeenAt">;

declare module "fastify" {
  interface Session {
    auth?: SessionAuth;
  }
}
