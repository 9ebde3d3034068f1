import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import {
  ADELE,
  aadstsOf,
  clientCredentials,
  codeForm,
  getCode,
  refresh,
  signInTokens,
  token,
} from "./helpers/oauth.js";

const emulator = emulatorForFile({}, { resetAfterEach: true });

describe("POST /{tenant}/oauth2/v2.0/token errors", () => {
  it("answers in Entra's error body shape with the caller's correlation id", async () => {
    const { status, body } = await token(
      emulator,
      { client_id: emulator.client.clientId },
      { "client-request-id": "corr-1" },
    );
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_request");
    expect(body.error_codes).toEqual([900144]);
    expect(String(body.error_description)).toMatch(
      /^AADSTS900144: The request body must contain the following parameter: 'grant_type'\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: corr-1\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.correlation_id).toBe("corr-1");
    expect(body.error_uri).toBe("https://login.microsoftonline.com/error?code=900144");
  });

  it("rejects an unknown client with AADSTS700016", async () => {
    const { status, body } = await token(emulator, {
      grant_type: "authorization_code",
      client_id: "11111111-1111-1111-1111-111111111111",
      client_secret: "x",
      code: "c",
      redirect_uri: "http://localhost:5000/getAToken",
    });
    expect(status).toBe(400);
    expect(body.error).toBe("unauthorized_client");
    expect(aadstsOf(body)).toBe(700016);
  });

  it("rejects a wrong client secret with 401 AADSTS7000215", async () => {
    const { code, verifier } = await getCode(emulator);
    const { status, body } = await token(emulator, {
      ...codeForm(emulator, code, verifier),
      client_secret: "wrong",
    });
    expect(status).toBe(401);
    expect(body.error).toBe("invalid_client");
    expect(aadstsOf(body)).toBe(7000215);
  });

  it("rejects a confidential client without credentials with AADSTS7000218", async () => {
    const { code, verifier } = await getCode(emulator);
    const { client_secret: _omit, ...form } = codeForm(emulator, code, verifier);
    const { status, body } = await token(emulator, form);
    expect(status).toBe(401);
    expect(aadstsOf(body)).toBe(7000218);
  });

  it("accepts client_secret_basic", async () => {
    const { code, verifier } = await getCode(emulator);
    const { client_secret: _s, client_id: _c, ...form } = codeForm(emulator, code, verifier);
    const basic = Buffer.from(
      `${encodeURIComponent(emulator.client.clientId)}:${encodeURIComponent(emulator.client.clientSecret)}`,
    ).toString("base64");
    const { status, body } = await token(emulator, form, { authorization: `Basic ${basic}` });
    expect(status).toBe(200);
    expect(body.access_token).toBeTypeOf("string");
  });

  it("refuses a reused code with AADSTS54005 and revokes the refresh tokens it issued", async () => {
    const { code, verifier } = await getCode(emulator);
    const first = await token(emulator, codeForm(emulator, code, verifier));
    expect(first.status).toBe(200);
    const second = await token(emulator, codeForm(emulator, code, verifier));
    expect(second.status).toBe(400);
    expect(second.body.error).toBe("invalid_grant");
    expect(aadstsOf(second.body)).toBe(54005);
    const afterReuse = await refresh(emulator, String(first.body.refresh_token));
    expect(aadstsOf(afterReuse.body)).toBe(70008);
  });

  it("refuses a code older than its 10 minutes with AADSTS70008", async () => {
    const { code, verifier } = await getCode(emulator);
    emulator.advanceClock(601);
    const { body } = await token(emulator, codeForm(emulator, code, verifier));
    expect(body.error).toBe("invalid_grant");
    expect(aadstsOf(body)).toBe(70008);
  });

  it("refuses a redirect_uri different from the authorize request with AADSTS50011", async () => {
    const { code, verifier } = await getCode(emulator);
    const { body } = await token(emulator, {
      ...codeForm(emulator, code, verifier),
      redirect_uri: "http://localhost:5000/other",
    });
    expect(aadstsOf(body)).toBe(50011);
  });

  it("refuses a wrong PKCE verifier with AADSTS501481", async () => {
    const { code } = await getCode(emulator);
    const { body } = await token(emulator, codeForm(emulator, code, "x".repeat(43)));
    expect(body.error).toBe("invalid_grant");
    expect(aadstsOf(body)).toBe(501481);
  });

  it("refuses a missing PKCE verifier with AADSTS900144", async () => {
    const { code, verifier } = await getCode(emulator);
    const { code_verifier: _v, ...form } = codeForm(emulator, code, verifier);
    const { body } = await token(emulator, form);
    expect(aadstsOf(body)).toBe(900144);
    expect(String(body.error_description)).toContain("'code_verifier'");
  });

  it("refuses an unknown code with AADSTS9002313", async () => {
    const { body } = await token(emulator, codeForm(emulator, "1.not-a-code", "v".repeat(43)));
    expect(body.error).toBe("invalid_grant");
    expect(aadstsOf(body)).toBe(9002313);
  });

  it("refuses an unsupported grant type with AADSTS70003", async () => {
    const { body } = await token(emulator, {
      grant_type: "password",
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
    });
    expect(body.error).toBe("unsupported_grant_type");
    expect(aadstsOf(body)).toBe(70003);
  });

  it("refuses a JSON body as Entra does (no grant_type found)", async () => {
    const response = await fetch(`${emulator.authority}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(400);
    expect(aadstsOf(body)).toBe(900144);
  });

  it("answers an unknown tenant with AADSTS90002", async () => {
    const response = await fetch(`${emulator.url}/contoso.example/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBe("invalid_tenant");
    expect(aadstsOf(body)).toBe(90002);
  });
});

describe("refresh_token grant", () => {
  it("rotates: the new refresh token works, the redeemed one fails with AADSTS700082", async () => {
    const tokens = await signInTokens(emulator);
    const first = await refresh(emulator, tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.body.id_token).toBeTypeOf("string");
    const reused = await refresh(emulator, tokens.refresh_token);
    expect(reused.body.error).toBe("invalid_grant");
    expect(aadstsOf(reused.body)).toBe(700082);
    expect(reused.body.suberror).toBe("bad_token");
    const next = await refresh(emulator, String(first.body.refresh_token));
    expect(next.status).toBe(200);
  });

  it("fails with AADSTS70008 after the user's refresh tokens are revoked", async () => {
    const tokens = await signInTokens(emulator);
    emulator.revokeRefreshTokens(ADELE);
    const { body } = await refresh(emulator, tokens.refresh_token);
    expect(body.error).toBe("invalid_grant");
    expect(aadstsOf(body)).toBe(70008);
  });

  it("fails with AADSTS700082 once the refresh token outlived its lifetime", async () => {
    emulator.setTokenLifetimes({ refreshTokenSeconds: 60 });
    const tokens = await signInTokens(emulator);
    emulator.advanceClock(61);
    const { body } = await refresh(emulator, tokens.refresh_token);
    expect(aadstsOf(body)).toBe(700082);
  });

  it("refuses scopes beyond the original grant with AADSTS65001 consent_required", async () => {
    const tokens = await signInTokens(emulator);
    const { body } = await refresh(emulator, tokens.refresh_token, { scope: "Mail.Read openid" });
    expect(body.error).toBe("invalid_grant");
    expect(body.suberror).toBe("consent_required");
    expect(aadstsOf(body)).toBe(65001);
  });

  it("refuses a refresh token presented by another client's credentials", async () => {
    const tokens = await signInTokens(emulator);
    const { body } = await refresh(emulator, tokens.refresh_token, {
      client_id: "11111111-1111-1111-1111-111111111111",
    });
    expect(aadstsOf(body)).toBe(700016);
  });
});

describe("client_credentials grant", () => {
  it("issues an app-only Graph token for the /.default scope", async () => {
    const { status, body } = await clientCredentials(emulator);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeUndefined();
  });

  it("refuses a delegated scope with AADSTS1002012", async () => {
    const { body } = await clientCredentials(emulator, "User.Read");
    expect(body.error).toBe("invalid_scope");
    expect(aadstsOf(body)).toBe(1002012);
  });

  it("takes its own origin as the Graph resource (GRAPH_BASE_URL/.default), and no other host", async () => {
    const own = await clientCredentials(emulator, `${emulator.graphBaseUrl}/.default`);
    expect(own.status).toBe(200);
    expect(decodeJwt(String(own.body.access_token)).aud).toBe("00000003-0000-0000-c000-000000000000");
    const other = await clientCredentials(emulator, "https://graph.example.com/.default");
    expect(aadstsOf(other.body)).toBe(1002012);
  });
});

describe("queued token errors", () => {
  it("answers the next matching grant with the queued AADSTS code, once", async () => {
    const tokens = await signInTokens(emulator);
    emulator.queueError("token", 50076, { error: "invalid_grant", grantType: "refresh_token" });
    const { status, body } = await refresh(emulator, tokens.refresh_token);
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_grant");
    expect(aadstsOf(body)).toBe(50076);
    expect(String(body.error_description)).toMatch(/^AADSTS50076: /);
    const again = await refresh(emulator, tokens.refresh_token);
    expect(again.status).toBe(200);
  });

  it("leaves a queued refresh error in place for an auth code redemption", async () => {
    emulator.queueError("token", 70000, { grantType: "refresh_token" });
    await signInTokens(emulator);
    expect(emulator.requests({ grantType: "authorization_code" }).at(-1)?.status).toBe(200);
  });
});
