import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

// An identity-provider outage during a refresh is not the user's fault: keep the session, answer 503.
describe("GET /api/me when the token endpoint fails at refresh time", { timeout: 30_000 }, () => {
  it("answers 503 upstream_unavailable, keeps the session, and works once Entra is back", async () => {
    const { app, emulator } = await buildTestApp({ logLevel: "silent" });
    emulator.setTokenLifetimes({ accessTokenSeconds: 60 }); // every API call refreshes
    const jar = await signIn(app, emulator, ADELE);
    emulator.queueError("token", 50000, { error: "temporarily_unavailable", grantType: "refresh_token" });

    const failed = await api(app, jar, "/api/me");
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ code: "upstream_unavailable" });
    expect((await api(app, jar, "/api/session")).json()).toMatchObject({ authenticated: true });

    const recovered = await api(app, jar, "/api/me");
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json()).toMatchObject({ userPrincipalName: ADELE });
  });
});
