import { describe, expect, it } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

describe("the whole sign-in flow", () => {
  it("signs in, reads the session, profile and photo, refreshes, signs out, and refuses the old cookie", async () => {
    const { app, emulator } = await buildTestApp();
    const jar = await signIn(app, emulator, ADELE);

    const session = await api(app, jar, "/api/session");
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      authenticated: true,
      emulator: true,
      user: { username: ADELE, name: "Adele Vance", tid: emulator.tenantId },
    });

    const me = await api(app, jar, "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ displayName: "Adele Vance", userPrincipalName: ADELE });

    const photo = await api(app, jar, "/api/me/photo");
    expect(photo.statusCode).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/png");
    expect(photo.rawPayload.subarray(1, 4).toString()).toBe("PNG");
  });
});
