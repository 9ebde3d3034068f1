import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { emulatorForFile, startWithClient } from "./helpers/emulator.js";
import { ADELE, clientCredentials, DIEGO, signInTokens } from "./helpers/oauth.js";

const emulator = emulatorForFile({}, { resetAfterEach: true });
let adele: { access_token: string; id_token: string };
beforeAll(async () => {
  adele = await signInTokens(emulator, ADELE);
});

function graph(path: string, accessToken?: string, headers: Record<string, string> = {}) {
  return fetch(`${emulator.graphBaseUrl}/v1.0${path}`, {
    headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers },
  });
}

async function graphError(response: Response) {
  const body = (await response.json()) as {
    error: { code: string; message: string; innerError: Record<string, string> };
  };
  return body.error;
}

describe("GET /v1.0/me", () => {
  it("returns the signed-in user's profile in Graph's shape", async () => {
    const response = await graph("/me", adele.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json;odata.metadata=minimal");
    expect(await response.json()).toEqual({
      "@odata.context": `${emulator.graphBaseUrl}/v1.0/$metadata#users/$entity`,
      businessPhones: ["+1 425 555 0109"],
      displayName: "Adele Vance",
      givenName: "Adele",
      jobTitle: "Product Marketing Manager",
      mail: "AdeleV@M365x214355.onmicrosoft.com",
      mobilePhone: null,
      officeLocation: "18/2111",
      preferredLanguage: "en-US",
      surname: "Vance",
      userPrincipalName: "AdeleV@M365x214355.onmicrosoft.com",
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    });
  });

  it("honours $select", async () => {
    const response = await graph("/me?$select=displayName,jobTitle", adele.access_token);
    expect(await response.json()).toEqual({
      "@odata.context": `${emulator.graphBaseUrl}/v1.0/$metadata#users(displayName,jobTitle)/$entity`,
      displayName: "Adele Vance",
      jobTitle: "Product Marketing Manager",
    });
  });

  it("answers 400 BadRequest for an unknown $select property", async () => {
    const response = await graph("/me?$select=shoeSize", adele.access_token);
    expect(response.status).toBe(400);
    expect((await graphError(response)).code).toBe("BadRequest");
  });

  it("echoes client-request-id and sets request-id, also inside innerError", async () => {
    const response = await graph("/me", undefined, { "client-request-id": "abc-123" });
    expect(response.headers.get("client-request-id")).toBe("abc-123");
    const error = await graphError(response);
    expect(error.innerError["client-request-id"]).toBe("abc-123");
    expect(error.innerError["request-id"]).toBe(response.headers.get("request-id"));
    expect(error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });
});

describe("Graph bearer validation", () => {
  function tamper(jwt: string): string {
    const [h, p, s] = jwt.split(".");
    const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
    payload.oid = "48d31887-5fad-4d73-a9f5-3c356e68a038";
    return `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
  }

  it.each([
    ["no token", () => undefined, "Access token is empty."],
    [
      "a token that is not a JWT",
      () => "opaque-garbage",
      "IDX14100: JWT is not well formed, there are no dots (.).",
    ],
    [
      "a tampered payload (bad signature)",
      () => tamper(adele.access_token),
      "Access token validation failure. Invalid signature.",
    ],
    [
      "an ID token (wrong audience)",
      () => adele.id_token,
      "Access token validation failure. Invalid audience.",
    ],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_name, bearer, message) => {
    const response = await graph("/me", bearer());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm=""/);
    expect(await graphError(response)).toMatchObject({ code: "InvalidAuthenticationToken", message });
  });

  it("answers 401 once the access token has expired on the emulator's clock", async () => {
    emulator.advanceClock(3601);
    const response = await graph("/me", adele.access_token);
    expect(response.status).toBe(401);
    expect((await graphError(response)).message).toBe("Access token has expired or is not yet valid.");
  });

  it("answers 403 Authorization_RequestDenied without User.Read in scp", async () => {
    // Nobody consented to User.Read for this client, so a sign-in without it does not get it.
    const unconsented = await startWithClient({ adminConsent: [] });
    const tokens = await signInTokens(unconsented, ADELE, { scope: "openid profile offline_access" });
    const response = await fetch(`${unconsented.graphBaseUrl}/v1.0/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    await unconsented.close();
    expect(response.status).toBe(403);
    expect(await graphError(response)).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
  });

  it("answers 400 for /me with an app-only token", async () => {
    const { body } = await clientCredentials(emulator);
    const response = await graph("/me", String(body.access_token));
    expect(response.status).toBe(400);
    expect((await graphError(response)).message).toBe(
      "/me request is only valid with delegated authentication flow.",
    );
  });

  it("keeps accepting tokens signed by the previous key during the rotation grace period only", async () => {
    emulator.rotateKeys({ keepOld: true });
    expect((await graph("/me", adele.access_token)).status).toBe(200);
    emulator.rotateKeys({ keepOld: true });
    expect((await graph("/me", adele.access_token)).status).toBe(401);
  });
});

describe("GET /v1.0/me/photo", () => {
  it("serves a PNG photo for a user who has one", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    const response = await graph("/me/photo/$value", fresh.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect([png.width, png.height]).toEqual([240, 240]);
  });

  it("also answers the percent-encoded %24value path", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    expect((await graph("/me/photo/%24value", fresh.access_token)).status).toBe(200);
  });

  it("describes the photo in the metadata JSON", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    const response = await graph("/me/photo", fresh.access_token);
    expect(await response.json()).toMatchObject({
      "@odata.mediaContentType": "image/png",
      id: "240x240",
      width: 240,
      height: 240,
    });
  });

  it("answers 404 ImageNotFound for Diego, who has no photo", async () => {
    const diego = await signInTokens(emulator, DIEGO);
    for (const path of ["/me/photo/$value", "/me/photo"]) {
      const response = await graph(path, diego.access_token);
      expect(response.status).toBe(404);
      expect((await graphError(response)).code).toBe("ImageNotFound");
    }
  });
});

describe("Graph faults", () => {
  it("answers 429 TooManyRequests with Retry-After for the configured count, then recovers", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    emulator.graphFault({ status: 429, retryAfter: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await graph("/me", fresh.access_token);
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("7");
      expect((await graphError(response)).code).toBe("TooManyRequests");
    }
    expect((await graph("/me", fresh.access_token)).status).toBe(200);
  });

  it("answers 503 serviceNotAvailable", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    emulator.graphFault({ status: 503 });
    const response = await graph("/me", fresh.access_token);
    expect(response.status).toBe(503);
    expect((await graphError(response)).code).toBe("serviceNotAvailable");
  });

  it("still answers correctly when told to be slow, and the slowness is used up", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    emulator.graphFault({ delayMs: 50, count: 1 });
    expect((await graph("/me", fresh.access_token)).status).toBe(200);
    expect((await graph("/me", fresh.access_token)).status).toBe(200);
  });

  it("is cleared by graphFault(null)", async () => {
    const fresh = await signInTokens(emulator, ADELE);
    emulator.graphFault({ status: 500, count: 5 });
    emulator.graphFault(null);
    expect((await graph("/me", fresh.access_token)).status).toBe(200);
  });
});
