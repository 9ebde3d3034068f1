import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

// Issue 10: when Entra wants more than a refresh token at refresh time (MFA, consent, Conditional
// Access), the API must answer 401 reauth_required and end the session, so the SPA signs in again.
describe("GET /api/me when Entra refuses the refresh", { timeout: 30_000 }, () => {
  it.each([
    [50076, "interaction_required"],
    [50079, "interaction_required"],
    [65001, "invalid_grant"],
    [65001, "consent_required"],
    [530003, "interaction_required"],
    [700082, "invalid_grant"],
  ])("answers 401 reauth_required for AADSTS%i (%s) and ends the session", async (aadsts, error) => {
    const { app, emulator } = await buildTestApp({ logLevel: "silent" });
    // A token inside MSAL's renewal window: the next API call must use the refresh token.
    emulator.setTokenLifetimes({ accessTokenSeconds: 60 });
    const jar = await signIn(app, emulator, ADELE);
    emulator.queueError("token", aadsts, { error, grantType: "refresh_token" });

    const me = await api(app, jar, "/api/me");
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: "reauth_required" });
    expect(emulator.requests({ grantType: "refresh_token" }).map((r) => r.status)).toEqual([400]);
    const session = await api(app, jar, "/api/session");
    expect(session.json()).toMatchObject({ authenticated: false });
  });
});
