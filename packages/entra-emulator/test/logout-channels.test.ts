import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKCHANNEL_EVENT, DEFAULT_CONFIG, startEmulator } from "../src/index.js";
import { builtInClient, emulatorForFile } from "./helpers/emulator.js";
import { ADELE, authorizeUrl, codeForm, flowOf, pkce, postStep, token } from "./helpers/oauth.js";

// Entra's `sid`, front-channel logout from the sign-out page, and back-channel logout tokens.
const SECOND_APP = "22222222-3333-4444-8555-666666666666";
const base = builtInClient();
const emulator = emulatorForFile({
  config: {
    ...DEFAULT_CONFIG,
    clients: [
      { ...base, frontchannelLogoutUrl: "http://localhost:5000/logout/frontchannel" },
      {
        ...base,
        clientId: SECOND_APP,
        displayName: "Second app",
        redirectUris: ["http://localhost:6000/callback"],
        frontchannelLogoutUrl: "http://127.0.0.1:6000/signout?tenant=contoso",
      },
    ],
  },
});

function get(url: string, cookie?: string) {
  return fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
}

/** Signs in (picker, or SSO with `cookie`) and redeems the code; returns ID token claims and the cookie. */
async function signIn(
  cookie?: string,
  clientId = emulator.client.clientId,
  redirect = "http://localhost:5000/getAToken",
) {
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(emulator, {
    client_id: clientId,
    redirect_uri: redirect,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  let response = await get(url, cookie);
  let jar = cookie;
  if (response.status === 200) {
    response = await postStep(emulator, "login", {
      flow: flowOf(await response.text()),
      user: emulator.users[0]?.id ?? "",
    });
    jar = (response.headers.get("set-cookie") ?? "").split(";")[0];
  }
  const back = new URL(response.headers.get("location") ?? "about:blank");
  const form = {
    ...codeForm(emulator, back.searchParams.get("code") ?? "", verifier),
    client_id: clientId,
    redirect_uri: redirect,
  };
  const result = await token(emulator, form);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return {
    id: decodeJwt(String(result.body.id_token)),
    cookie: jar ?? "",
    sessionState: back.searchParams.get("session_state"),
  };
}

describe("sid", () => {
  it("is the SSO session's id: the same across sign-ins of one session (and in session_state), new for a new session", async () => {
    const first = await signIn();
    const again = await signIn(first.cookie);
    expect(first.id.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.id.sid).toBe(first.id.sid);
    expect(again.sessionState).toBe(first.id.sid);
    const other = await signIn();
    expect(other.id.sid).not.toBe(first.id.sid);
  });
});

describe("SSO session lifetime", () => {
  it("ends a session unused for 24 h: the cookie then shows the picker and the session is swept", async () => {
    const first = await signIn();
    emulator.advanceClock(86_400 + 60);
    try {
      const response = await get(authorizeUrl(emulator), first.cookie);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("Pick an account");
      // A session in use stays: signing in again through it moves its expiry on.
      const fresh = await signIn();
      emulator.advanceClock(86_000);
      expect((await get(authorizeUrl(emulator), fresh.cookie)).status).toBe(302);
      emulator.advanceClock(86_000);
      expect((await get(authorizeUrl(emulator), fresh.cookie)).status).toBe(302);
    } finally {
      emulator.reset();
    }
  });
});

describe("front-channel logout", () => {
  it("loads every signed-in app's front-channel URL with ?sid= in hidden iframes, then redirects", async () => {
    const first = await signIn();
    await signIn(first.cookie, SECOND_APP, "http://localhost:6000/callback");
    const logout = `${emulator.authority}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:5000/")}&state=s1`;
    const response = await get(logout, first.cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    const frames = [...html.matchAll(/<iframe src="([^"]+)"/g)].map(
      (m) => new URL((m[1] ?? "").replaceAll("&amp;", "&")),
    );
    expect(frames.map((u) => `${u.origin}${u.pathname}`).sort()).toEqual([
      "http://127.0.0.1:6000/signout",
      "http://localhost:5000/logout/frontchannel",
    ]);
    for (const frame of frames) expect(frame.searchParams.get("sid")).toBe(first.id.sid);
    expect(frames.find((u) => u.port === "6000")?.searchParams.get("tenant")).toBe("contoso");
    expect(html).toContain('<a id="continue" href="http://localhost:5000/?state=s1">');
    expect(html).toContain('http-equiv="refresh" content="5;url=http://localhost:5000/?state=s1"');
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-src http://localhost:5000 http://127.0.0.1:6000");
    expect(csp).toMatch(/script-src 'nonce-[\w-]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    // The session is over: the same cookie no longer signs anyone in, and logging out again just redirects.
    expect((await get(authorizeUrl(emulator), first.cookie)).status).toBe(200);
    expect((await get(logout, first.cookie)).status).toBe(302);
  });

  it("redirects straight away when no app of the session registered a front-channel URL", async () => {
    const plain = await startEmulator();
    try {
      const logout = `${plain.authority}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:5000/")}`;
      expect((await get(logout)).status).toBe(302);
    } finally {
      await plain.close();
    }
  });
});

describe("back-channel logout tokens", () => {
  let server: Server;
  let url: string;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push(`${req.headers["content-type"]}|${body}`);
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid_request"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logout/backchannel`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("POSTs a form logout_token signed with the tenant key, with every claim the spec requires", async () => {
    const session = await signIn();
    const answer = await emulator.sendBackchannelLogout(url, { user: ADELE });
    expect(answer).toEqual({ status: 400, body: '{"error":"invalid_request"}' });
    const [type, body] = (received.at(-1) ?? "").split("|");
    expect(type).toBe("application/x-www-form-urlencoded");
    const logoutToken = new URLSearchParams(body).get("logout_token") ?? "";
    const jwks = createRemoteJWKSet(new URL(`${emulator.authority}/discovery/v2.0/keys`));
    const { payload, protectedHeader } = await jwtVerify(logoutToken, jwks, {
      issuer: emulator.issuer,
      audience: emulator.client.clientId,
      typ: "logout+jwt",
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.events).toEqual({ [BACKCHANNEL_EVENT]: {} });
    expect(payload.sid).toBe(session.id.sid);
    expect(payload.sub).toBe(session.id.sub);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload).not.toHaveProperty("nonce");
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
  });

  it("breaks one property at a time for tests: extra or missing claims, typ, a foreign key", async () => {
    const withNonce = decodeJwt(await emulator.logoutToken({ user: ADELE, claims: { nonce: "n" } }));
    expect(withNonce.nonce).toBe("n");
    expect(
      decodeJwt(await emulator.logoutToken({ sid: "s-1", claims: { events: null } })),
    ).not.toHaveProperty("events");
    expect(decodeProtectedHeader(await emulator.logoutToken({ sid: "s-1", typ: null }))).not.toHaveProperty(
      "typ",
    );
    const forged = await emulator.logoutToken({ sid: "s-1", foreignKey: true });
    const jwks = createRemoteJWKSet(new URL(`${emulator.authority}/discovery/v2.0/keys`));
    await expect(jwtVerify(forged, jwks)).rejects.toThrow(/signature/);
    const onlySid = decodeJwt(await emulator.logoutToken({ sid: "s-1" }));
    expect(onlySid.sid).toBe("s-1");
    expect(onlySid).not.toHaveProperty("sub");
  });

  it("refuses bad control input with 400 over HTTP (no sub or sid, a non-http URL, an unknown user)", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.url}/_emulator/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    for (const [path, body] of [
      ["logout-token", {}],
      ["logout-token", { user: "nobody@example.com" }],
      ["logout-token", { clientId: 42, sid: "x" }],
      ["backchannel-logout", { url: "file:///etc/passwd", sid: "x" }],
      ["backchannel-logout", { sid: "x" }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const minted = await post("logout-token", { user: ADELE });
    expect(decodeJwt(((await minted.json()) as { logoutToken: string }).logoutToken).aud).toBe(
      emulator.client.clientId,
    );
  });
});
