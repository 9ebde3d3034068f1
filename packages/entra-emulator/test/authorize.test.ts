import { describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import { ADELE, authorizeUrl, flowOf, pkce, postStep } from "./helpers/oauth.js";

const emulator = emulatorForFile({}, { resetAfterEach: true });

function get(url: string, headers: Record<string, string> = {}) {
  return fetch(url, { redirect: "manual", headers });
}

function errorOf(location: string | null): {
  error: string | null;
  code: string | undefined;
  state: string | null;
} {
  const url = new URL(location ?? "about:blank");
  const description = url.searchParams.get("error_description") ?? "";
  return {
    error: url.searchParams.get("error"),
    code: description.match(/^AADSTS(\d+):/)?.[1],
    state: url.searchParams.get("state"),
  };
}

describe("GET /{tenant}/oauth2/v2.0/authorize", () => {
  it("renders an accessible account picker: one button per demo user and a Cancel button", async () => {
    const response = await get(authorizeUrl(emulator));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    for (const user of emulator.users) {
      expect(html).toMatch(
        new RegExp(`<button type="submit" class="account" name="user" value="${user.id}"`),
      );
      expect(html).toContain(`<span class="name">${user.displayName}</span>`);
      expect(html).toContain(user.userPrincipalName);
    }
    expect(html).toMatch(
      /<button type="submit" class="cancel" name="action" value="cancel">Cancel<\/button>/,
    );
    // The form carries only a server-side flow id, never the raw authorize parameters.
    expect(html).not.toContain("nonce-456");
  });

  it("redirects back with a code, the state and client_info after picking a user", async () => {
    const callback = await emulator.signIn(authorizeUrl(emulator), ADELE);
    expect(`${callback.origin}${callback.pathname}`).toBe("http://localhost:5000/getAToken");
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect(callback.searchParams.get("state")).toBe("state-123");
    const info = JSON.parse(
      Buffer.from(callback.searchParams.get("client_info") ?? "", "base64url").toString(),
    );
    expect(info).toEqual({ uid: "87d349ed-44d7-43e1-9a83-5f2406dee5bd", utid: emulator.tenantId });
  });

  it("sends error=access_denied (AADSTS65004) with the state when the user cancels", async () => {
    const html = await (await get(authorizeUrl(emulator))).text();
    const flow = flowOf(html);
    const response = await postStep(emulator, "login", { flow, action: "cancel" });
    expect(response.status).toBe(302);
    expect(errorOf(response.headers.get("location"))).toEqual({
      error: "access_denied",
      code: "65004",
      state: "state-123",
    });
  });

  it("accepts a picker submission only once", async () => {
    const html = await (await get(authorizeUrl(emulator))).text();
    const flow = flowOf(html);
    const submit = () => postStep(emulator, "login", { flow, user: emulator.users[0]?.id ?? "" });
    expect((await submit()).status).toBe(302);
    const replay = await submit();
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("AADSTS9002313");
  });

  it.each([
    [
      "AADSTS700016 for an unknown client",
      { client_id: "11111111-2222-3333-4444-555555555555" },
      ["AADSTS700016", "Sorry, but we're having trouble signing you in."],
    ],
    [
      "AADSTS50011 for an unregistered redirect URI, and never redirects to it",
      { redirect_uri: "https://evil.example/cb" },
      ["AADSTS50011", "https://evil.example/cb"],
    ],
  ])("shows Entra's error page (%s) instead of redirecting", async (_name, params, texts) => {
    const response = await get(authorizeUrl(emulator, params));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const html = await response.text();
    for (const text of texts) expect(html).toContain(text);
  });

  it.each([
    ["a redirect URI differing only in case", { redirect_uri: "http://localhost:5000/GetAToken" }, "50011"],
    ["a redirect URI with an extra query", { redirect_uri: "http://localhost:5000/getAToken?x=1" }, "50011"],
    ["a missing client_id", { client_id: null }, "900144"],
    ["a missing redirect_uri", { redirect_uri: null }, "900144"],
    ["an unknown tenant", { __tenant: "northwind.onmicrosoft.com" }, "90002"],
  ])("renders an error page for %s", async (_name, params, code) => {
    const { __tenant, ...rest } = params as Record<string, string | null>;
    let url = authorizeUrl(emulator, rest);
    if (__tenant) url = url.replace(emulator.tenantId, __tenant);
    const response = await get(url);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`AADSTS${code}`);
  });

  it.each([
    ["response_type=token", { response_type: "token" }, "unsupported_response_type", "700054"],
    ["no scope", { scope: null }, "invalid_request", "900144"],
    ["an unknown scope", { scope: "openid Sites.FullControl.Everything" }, "invalid_scope", "70011"],
    [
      "PKCE plain",
      { code_challenge: "a".repeat(43), code_challenge_method: "plain" },
      "invalid_request",
      "9002313",
    ],
    [
      "a short code_challenge",
      { code_challenge: "abc", code_challenge_method: "S256" },
      "invalid_request",
      "501491",
    ],
    ["an unknown prompt", { prompt: "always" }, "invalid_request", "9002313"],
    ["prompt=none without a session", { prompt: "none" }, "login_required", "50058"],
  ])("redirects %s back with the error and state", async (_name, params, error, code) => {
    const response = await get(authorizeUrl(emulator, params));
    expect(response.status).toBe(302);
    expect(errorOf(response.headers.get("location"))).toEqual({ error, code, state: "state-123" });
  });

  it("signs a user in silently with prompt=none when the ESTSAUTH session cookie is present", async () => {
    const html = await (await get(authorizeUrl(emulator))).text();
    const flow = flowOf(html);
    const picked = await postStep(emulator, "login", { flow, user: emulator.users[0]?.id ?? "" });
    const cookie = picked.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^ESTSAUTH=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const silent = await get(authorizeUrl(emulator, { prompt: "none" }), {
      cookie: cookie.split(";")[0] ?? "",
    });
    expect(silent.status).toBe(302);
    expect(new URL(silent.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
  });

  it("skips the picker when login_hint names a demo user", async () => {
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE.toLowerCase() }));
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
  });

  it("shows the picker with the hinted user focused when prompt=select_account", async () => {
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE, prompt: "select_account" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(
      /<li class="hint"><button[^>]+value="87d349ed-44d7-43e1-9a83-5f2406dee5bd" autofocus>/,
    );
  });

  it("shows the picker despite a login_hint when prompt=login", async () => {
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE, prompt: "login" }));
    expect(response.status).toBe(200);
  });

  it("posts the code back with response_mode=form_post", async () => {
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE, response_mode: "form_post" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<form method="post" action="http://localhost:5000/getAToken">');
    expect(html).toMatch(/<input type="hidden" name="code" value="[^"]+">/);
    expect(html).toContain('<input type="hidden" name="state" value="state-123">');
    expect(response.headers.get("content-security-policy")).toContain("form-action http://localhost:5000");
  });

  it("puts the code in the fragment with response_mode=fragment", async () => {
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE, response_mode: "fragment" }));
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.search).toBe("");
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("code")).toBeTruthy();
    expect(fragment.get("state")).toBe("state-123");
  });

  it("returns form_post fields through signIn() as the callback URL's query", async () => {
    const callback = await emulator.signIn(authorizeUrl(emulator, { response_mode: "form_post" }), ADELE);
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect(callback.searchParams.get("state")).toBe("state-123");
  });

  it("escapes hostile state values in the form_post page", async () => {
    const response = await get(
      authorizeUrl(emulator, {
        login_hint: ADELE,
        response_mode: "form_post",
        state: '"><script>x</script>',
      }),
    );
    const html = await response.text();
    expect(html).not.toContain("<script>x</script>");
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("answers a queued authorize error on the next request, with the state", async () => {
    emulator.queueError("authorize", 53003);
    const response = await get(authorizeUrl(emulator));
    expect(errorOf(response.headers.get("location"))).toEqual({
      error: "access_denied",
      code: "53003",
      state: "state-123",
    });
    expect((await get(authorizeUrl(emulator))).status).toBe(200);
  });

  it("renders a queued AADSTS50011 as the error page, as Entra does", async () => {
    emulator.queueError("authorize", 50011);
    const response = await get(authorizeUrl(emulator));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("AADSTS50011");
  });

  it("keeps the PKCE challenge: signIn() with a challenge yields a code bound to it", async () => {
    const { challenge } = pkce();
    const callback = await emulator.signIn(
      authorizeUrl(emulator, { code_challenge: challenge, code_challenge_method: "S256" }),
      "Megan Bowen",
    );
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("rejects signIn() for a user who is not on the picker", async () => {
    await expect(emulator.signIn(authorizeUrl(emulator), "nobody@example.com")).rejects.toThrow(/no account/);
  });
});
