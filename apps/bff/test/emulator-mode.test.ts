import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { resolveIdentityProvider } from "../src/emulator-mode.js";

describe("emulator mode (no ENTRA_* settings)", () => {
  it("registers PUBLIC_URL/ as a redirect URI, so a logout URL without client_id (MSAL's) comes back", async () => {
    const config = loadConfig({
      PUBLIC_URL: "http://localhost:5173",
      SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
      EMULATOR_PORT: "0",
    });
    const resolved = await resolveIdentityProvider(config, pino({ level: "silent" }));
    try {
      const idp = resolved.config.idp;
      if (idp.mode !== "entra") throw new Error("emulator mode did not resolve to an Entra configuration");
      const logout = new URL(`${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/logout`);
      logout.searchParams.set("post_logout_redirect_uri", "http://localhost:5173/");
      const response = await fetch(logout, { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("http://localhost:5173/");
      // Registered as a redirect URI proper (as a real tenant needs it), not only for logout.
      const authorize = new URL(`${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/authorize`);
      for (const [k, v] of Object.entries({
        client_id: idp.clientId,
        redirect_uri: "http://localhost:5173/",
        response_type: "code",
        scope: "openid",
      }))
        authorize.searchParams.set(k, v);
      const picker = await fetch(authorize, { redirect: "manual" });
      expect(picker.status).toBe(200);
      expect(await picker.text()).toContain("Pick an account");
    } finally {
      await resolved.close();
    }
  });
});
