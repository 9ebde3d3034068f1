import { randomUUID } from "node:crypto";
import type { DemoUser } from "./config-types.js";
import { type AadError, entraTimestamp } from "./errors.js";

/** Each character escapeHtml replaces, with its entity ("&" first: the others start with it). */
const ENTITIES = [
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
  ['"', "&quot;"],
  ["'", "&#39;"],
] as const;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return ENTITIES.reduce((text, [char, entity]) => text.replaceAll(char, entity), value);
}

/** The inverse of escapeHtml ("&amp;" last, so an escaped "&lt;" comes back as "&lt;"). */
export function unescapeHtml(value: string): string {
  return ENTITIES.reduceRight((text, [char, entity]) => text.replaceAll(entity, char), value);
}

const STYLE = `
:root{color-scheme:light;--accent:#0067b8;--text:#1b1b1b;--muted:#605e5c}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f2f2f2;font:15px/1.4 "Segoe UI",system-ui,sans-serif;color:var(--text)}
main{background:#fff;width:min(440px,100vw);padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.brand{font-weight:600;color:var(--muted);margin-bottom:16px}
h1{font-size:24px;font-weight:600;margin:0 0 4px}
p{margin:0 0 16px}
ul{list-style:none;margin:0 0 16px;padding:0}
.account{display:flex;gap:12px;align-items:center;width:100%;padding:10px 8px;border:0;background:none;text-align:left;font:inherit;color:inherit;cursor:pointer}
.account:hover,.account:focus-visible{background:#e6e6e6}
.account:focus-visible,.cancel:focus-visible,.accept:focus-visible,a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.hint .account{background:#eef5fb}
.avatar{flex:none;width:40px;height:40px;border-radius:50%;display:grid;place-items:center;color:#fff;font-weight:600}
.who{display:flex;flex-direction:column}
.upn,.meta{color:var(--muted);font-size:13px}
.cancel,.accept{padding:6px 20px;border:1px solid #8a8886;background:#fff;font:inherit;cursor:pointer}
.accept{background:var(--accent);border-color:var(--accent);color:#fff;margin-right:8px}
.scopes{list-style:disc;padding-left:20px}
.scope{font-family:ui-monospace,monospace;font-size:13px;color:var(--muted)}
.error{border-left:4px solid #a80000;padding-left:12px}
dl{font-size:13px;color:var(--muted)}dt{font-weight:600}dd{margin:0 0 6px;word-break:break-all}
`;

/** A page in Entra's look; `script` (CSP-nonced) runs at the end of the body. */
export function page(
  title: string,
  body: string,
  csp: string,
  script?: { nonce: string; code: string },
): { html: string; csp: string } {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand">Microsoft Entra ID · local emulator</div>
${body}
</main>
${script ? `<script nonce="${script.nonce}">${script.code}</script>` : ""}
</body>
</html>`;
  return { html, csp };
}

export const BASE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

function initials(user: DemoUser): string {
  const first = user.givenName?.[0] ?? user.displayName[0] ?? "?";
  const last = user.surname?.[0] ?? "";
  return `${first}${last}`.toUpperCase();
}

/** A stable avatar colour per user (also used by the generated photo). */
export function userColor(userId: string): [number, number, number] {
  const palette: [number, number, number][] = [
    [0, 103, 184],
    [135, 100, 184],
    [0, 120, 110],
    [202, 80, 16],
    [164, 38, 44],
    [73, 130, 5],
    [0, 91, 112],
    [136, 23, 152],
  ];
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length] ?? [0, 103, 184];
}

export interface PickerPageInput {
  tenantPath: string;
  flowId: string;
  appName: string;
  users: readonly DemoUser[];
  hintedUserId: string | undefined;
  redirectOrigin: string;
}

/** The account picker: one submit button per user, plus Cancel; posts only the server-side flow id. */
export function pickerPage(input: PickerPageInput): { html: string; csp: string } {
  const items = input.users
    .map((user) => {
      const [r, g, b] = userColor(user.id);
      const hinted = user.id === input.hintedUserId;
      return `<li${hinted ? ' class="hint"' : ""}><button type="submit" class="account" name="user" value="${escapeHtml(user.id)}"${hinted ? " autofocus" : ""}>
<span class="avatar" aria-hidden="true" style="background:rgb(${r},${g},${b})">${escapeHtml(initials(user))}</span>
<span class="who"><span class="name">${escapeHtml(user.displayName)}</span><span class="upn">${escapeHtml(user.userPrincipalName)}</span></span>
</button></li>`;
    })
    .join("\n");
  const body = `<h1 id="title">Pick an account</h1>
<p>to continue to <strong>${escapeHtml(input.appName)}</strong></p>
<form method="post" action="/${escapeHtml(input.tenantPath)}/login" aria-labelledby="title">
<input type="hidden" name="flow" value="${escapeHtml(input.flowId)}">
<ul>
${items}
</ul>
<button type="submit" class="cancel" name="action" value="cancel">Cancel</button>
</form>`;
  // Chrome applies form-action to the redirect that follows the POST, so allow the app's origin.
  return page("Sign in to your account", body, `${BASE_CSP}; form-action 'self' ${input.redirectOrigin}`);
}

export interface ConsentPageInput {
  tenantPath: string;
  flowId: string;
  appName: string;
  user: DemoUser;
  scopes: string[];
  redirectOrigin: string;
}

/** The wording Entra's consent screen uses for common Graph permissions. */
const SCOPE_TEXT: Record<string, string> = {
  "User.Read": "Sign you in and read your profile",
  "User.ReadWrite": "Read and update your profile",
  "User.ReadBasic.All": "Read all users' basic profiles",
  "Mail.Read": "Read your mail",
  "Calendars.Read": "Read your calendars",
  "Files.Read": "Read your files",
};

/** The consent step: the permissions nobody consented to yet, Accept or Cancel. */
export function consentPage(input: ConsentPageInput): { html: string; csp: string } {
  const items = input.scopes
    .map((scope) => {
      const text = SCOPE_TEXT[scope];
      return `<li>${text ? `${escapeHtml(text)} ` : ""}<span class="scope">${escapeHtml(scope)}</span></li>`;
    })
    .join("\n");
  const body = `<p class="meta">${escapeHtml(input.user.userPrincipalName)}</p>
<h1 id="title">Permissions requested</h1>
<p><strong>${escapeHtml(input.appName)}</strong> would like to:</p>
<form method="post" action="/${escapeHtml(input.tenantPath)}/consent" aria-labelledby="title">
<input type="hidden" name="flow" value="${escapeHtml(input.flowId)}">
<ul class="scopes">
${items}
</ul>
<p class="meta">Accepting lets this app use these permissions for your account (user consent).</p>
<button type="submit" class="accept" name="action" value="accept">Accept</button>
<button type="submit" class="cancel" name="action" value="cancel">Cancel</button>
</form>`;
  return page("Permissions requested", body, `${BASE_CSP}; form-action 'self' ${input.redirectOrigin}`);
}

/** Entra's own error page, shown instead of redirecting (unknown app, unregistered redirect URI). */
export function errorPage(err: AadError, now: Date, correlationId: string): { html: string; csp: string } {
  const body = `<h1>Sign in</h1>
<div class="error" role="alert">
<p>Sorry, but we're having trouble signing you in.</p>
<p><strong>AADSTS${err.code}</strong>: ${escapeHtml(err.text)}</p>
</div>
<dl>
<dt>Request Id</dt><dd>${randomUUID()}</dd>
<dt>Correlation Id</dt><dd>${escapeHtml(correlationId)}</dd>
<dt>Timestamp</dt><dd>${entraTimestamp(now)}</dd>
<dt>Message</dt><dd>AADSTS${err.code}: ${escapeHtml(err.text)}</dd>
</dl>`;
  return page("Sign in to your account", body, `${BASE_CSP}; form-action 'none'`);
}

/** The end-session page when there is no (registered) post-logout redirect. */
export function signedOutPage(): { html: string; csp: string } {
  const body = `<h1>You signed out of your account</h1>
<p>It's a good idea to close all browser windows.</p>`;
  return page("Sign out", body, `${BASE_CSP}; form-action 'none'`);
}

/** `response_mode=form_post`: an auto-submitting form to the redirect URI (with a no-script button). */
export function formPostPage(action: string, fields: Record<string, string>, nonce: string) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
  const body = `<h1>Working…</h1>
<form method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit" class="cancel">Submit</button></noscript>
</form>`;
  const origin = new URL(action).origin;
  return page("Working...", body, `${BASE_CSP}; script-src 'nonce-${nonce}'; form-action ${origin}`, {
    nonce,
    code: "document.forms[0].submit();",
  });
}
