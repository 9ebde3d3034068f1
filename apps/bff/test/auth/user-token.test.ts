import type { FastifyReply, FastifyRequest } from "fastify";
import { describe, expect, it, vi } from "vitest";
import { createWithUserToken } from "../../src/auth/user-token.js";
import { createCookiePolicy } from "../../src/cookies.js";
import { ReauthRequiredError } from "../../src/errors.js";
import { GraphUnauthorizedError } from "../../src/graph/graph-client.js";
import type { SessionAuth } from "../../src/session/session-data.js";

const auth = { cacheKey: "k", homeAccountId: "h", user: { oid: "o" } } as SessionAuth;
const request = {} as FastifyRequest;

function setup(getAccessToken: (owner: unknown, rejected?: string) => Promise<string>) {
  const end = vi.fn(async () => {});
  const setCookie = vi.fn();
  const reply = { setCookie } as unknown as FastifyReply;
  const withUserToken = createWithUserToken({
    sessions: { current: () => auth, end },
    tokens: { getAccessToken: vi.fn(getAccessToken) },
    cookies: createCookiePolicy(false),
  });
  return { end, setCookie, reply, withUserToken };
}

describe("withUserToken (the upstream 401 policy)", () => {
  it("retries once with a forced refresh when the upstream refuses the token", async () => {
    const { withUserToken, reply, end } = setup(async (_o, rejected) => (rejected ? "fresh" : "stale"));
    const seen: string[] = [];
    const result = await withUserToken(request, reply, async (token) => {
      seen.push(token);
      if (token === "stale") throw new GraphUnauthorizedError();
      return "ok";
    });
    expect(result).toBe("ok");
    expect(seen).toEqual(["stale", "fresh"]);
    expect(end).not.toHaveBeenCalled();
  });

  it("never ends the session because the upstream keeps refusing a fresh token (502, session kept)", async () => {
    const { withUserToken, reply, end } = setup(async (_o, rejected) => (rejected ? "fresh" : "stale"));
    const call = vi.fn(async () => {
      throw new GraphUnauthorizedError();
    });
    await expect(withUserToken(request, reply, call)).rejects.toMatchObject({
      code: "upstream_error",
      statusCode: 502,
    });
    expect(call).toHaveBeenCalledTimes(2);
    expect(end).not.toHaveBeenCalled();
  });

  it("ends the session and keeps the claims challenge only when the refresh token is dead", async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const { withUserToken, reply, end, setCookie } = setup(async (_o, rejected) => {
      if (!rejected) return "stale";
      throw new ReauthRequiredError("dead", { claims, aadsts: 50173 });
    });
    const call = vi.fn(async () => {
      throw new GraphUnauthorizedError();
    });
    await expect(withUserToken(request, reply, call)).rejects.toMatchObject({
      code: "reauth_required",
      statusCode: 401,
    });
    expect(end).toHaveBeenCalledWith(request, reply, "reauth_required", { aadsts: 50173 });
    expect(setCookie).toHaveBeenCalledWith(
      "bff.claims",
      Buffer.from(claims).toString("base64url"),
      expect.objectContaining({ httpOnly: true, maxAge: 600 }),
    );
  });
});
