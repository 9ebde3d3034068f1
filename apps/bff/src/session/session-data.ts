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
  /** App role values at sign-in (a refresh's newer ones live under `authz:`; see authz/). */
  roles?: string[];
  /** Security group ids at sign-in (filtered by ENTRA_GROUPS_FILTER; Graph after an overage). */
  groups?: string[];
  /** `login_hint` claim, for a smoother sign-out. */
  loginHint?: string;
  /** The IdP's sign-in session (`sid` claim): front- and back-channel logout name it. */
  sid?: string;
  /** The ID token's `sub` (pairwise in Entra): back-channel logout may name only it. */
  sub?: string;
  /** Browser and OS the session was signed in from (parsed User-Agent, for "Your sessions"). */
  client?: { browser: string; os: string };
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
