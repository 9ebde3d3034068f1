import { describe, expect, it } from "vitest";
import { emulatorForFile } from "./helpers/emulator.js";
import { ADELE, authorizeUrl, flowOf, postStep } from "./helpers/oauth.js";

// Single sign-on through the emulator's own session cookie (ESTSAUTH), and what each prompt does.
const emulator = emulatorForFile();

const MEGAN = "MeganB@M365x214355.onmicrosoft.com";

function get(url: string, cookie?: string) {
  return fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
}

function isPicker(html: string): boolean {
  return html.includes("Pick an account") && html.includes('name="user"');
}

function callback(response: Response): URL {
  return new URL(response.headers.get("location") ?? "about:blank");
}

/** Signs in on the picker as the `index`-th demo user; returns the browser's ESTSAUTH cookie. */
async function signInOnPicker(index = 0): Promise<{ cookie: string; setCookie: string }> {
  const html = await (await get(authorizeUrl(emulator))).text();
  const response = await postStep(emulator, "login", {
    flow: flowOf(html),
    user: emulator.users[index]?.id ?? "",
  });
  expect(response.status).toBe(302);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0] ?? "", setCookie };
}

describe("single sign-on", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie at the picker", async () => {
    const { setCookie } = await signInOnPicker();
    expect(setCookie).toMatch(/^ESTSAUTH=[\w-]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it("signs the session's user in without the picker when no prompt is sent (302 straight back)", async () => {
    const { cookie } = await signInOnPicker(0);
    const response = await get(authorizeUrl(emulator), cookie);
    expect(response.status).toBe(302);
    const back = callback(response);
    expect(back.searchParams.get("code")).toBeTruthy();
    expect(back.searchParams.get("state")).toBe("state-123");
    const info = JSON.parse(Buffer.from(back.searchParams.get("client_info") ?? "", "base64url").toString());
    expect(info.uid).toBe(emulator.users[0]?.id);
  });

  it("shows the picker without a session cookie, and for a cookie the emulator does not know", async () => {
    expect(isPicker(await (await get(authorizeUrl(emulator))).text())).toBe(true);
    const forged = await get(authorizeUrl(emulator), "ESTSAUTH=forged-session-id");
    expect(isPicker(await forged.text())).toBe(true);
  });

  it("shows the picker when login_hint names someone other than the session's user", async () => {
    const { cookie } = await signInOnPicker(0); // Adele
    const response = await get(authorizeUrl(emulator, { login_hint: MEGAN }), cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(isPicker(html)).toBe(true);
    expect(html).toMatch(
      /<li class="hint"><button[^>]+value="48d31887-5fad-4d73-a9f5-3c356e68a038" autofocus>/,
    );
  });

  it("signs in straight back when login_hint names the session's user", async () => {
    const { cookie } = await signInOnPicker(0);
    const response = await get(authorizeUrl(emulator, { login_hint: ADELE }), cookie);
    expect(callback(response).searchParams.get("code")).toBeTruthy();
  });

  it("replaces the browser's previous session when it signs in again on the picker", async () => {
    const first = await signInOnPicker(0);
    const html = await (await get(authorizeUrl(emulator, { prompt: "login" }), first.cookie)).text();
    await postStep(
      emulator,
      "login",
      { flow: flowOf(html), user: emulator.users[1]?.id ?? "" },
      first.cookie,
    );
    expect(isPicker(await (await get(authorizeUrl(emulator), first.cookie)).text())).toBe(true);
  });
});

describe("prompt", () => {
  it("prompt=select_account shows the picker despite the session, the session's account focused", async () => {
    const { cookie } = await signInOnPicker(1);
    const response = await get(authorizeUrl(emulator, { prompt: "select_account" }), cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(isPicker(html)).toBe(true);
    expect(html).toMatch(
      new RegExp(`<li class="hint"><button[^>]+value="${emulator.users[1]?.id}" autofocus>`),
    );
  });

  it("prompt=login forces the picker despite the session (and a matching login_hint)", async () => {
    const { cookie } = await signInOnPicker(0);
    const response = await get(authorizeUrl(emulator, { prompt: "login", login_hint: ADELE }), cookie);
    expect(response.status).toBe(200);
    expect(isPicker(await response.text())).toBe(true);
  });

  it("prompt=none signs the session's user in silently", async () => {
    const { cookie } = await signInOnPicker(1);
    const response = await get(authorizeUrl(emulator, { prompt: "none" }), cookie);
    expect(response.status).toBe(302);
    const info = callback(response).searchParams.get("client_info") ?? "";
    expect(JSON.parse(Buffer.from(info, "base64url").toString()).uid).toBe(emulator.users[1]?.id);
  });

  it("prompt=none without a session goes back as login_required (AADSTS50058) with the state", async () => {
    const response = await get(authorizeUrl(emulator, { prompt: "none" }));
    expect(response.status).toBe(302);
    const back = callback(response);
    expect(back.origin + back.pathname).toBe("http://localhost:5000/getAToken");
    expect(back.searchParams.get("error")).toBe("login_required");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS50058: /);
    expect(back.searchParams.get("state")).toBe("state-123");
  });

  it("prompt=none with a login_hint for another user is login_required, not a sign-in as the session's user", async () => {
    const { cookie } = await signInOnPicker(0);
    const response = await get(authorizeUrl(emulator, { prompt: "none", login_hint: MEGAN }), cookie);
    expect(callback(response).searchParams.get("error")).toBe("login_required");
  });
});

describe("end-session ends the emulator session", () => {
  it("clears the cookie and forgets the session server-side: a copied cookie signs nobody in", async () => {
    const { cookie } = await signInOnPicker();
    const logout = await get(`${emulator.authority}/oauth2/v2.0/logout`, cookie);
    expect(logout.headers.get("set-cookie")).toMatch(/^ESTSAUTH=; .*Max-Age=0/);
    expect(isPicker(await (await get(authorizeUrl(emulator), cookie)).text())).toBe(true);
    const silent = await get(authorizeUrl(emulator, { prompt: "none" }), cookie);
    expect(callback(silent).searchParams.get("error")).toBe("login_required");
  });
});
