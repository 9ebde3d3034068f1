import { BASE_CSP, escapeHtml, page } from "./html.js";

/** Waits for every front-channel iframe (or 5 s), then follows the Continue link. */
const REDIRECT_SCRIPT = `(function(){var link=document.getElementById("continue");if(!link)return;
var frames=document.querySelectorAll("iframe"),left=frames.length,done=false;
function go(){if(!done){done=true;location.replace(link.href);}}
frames.forEach(function(f){f.addEventListener("load",function(){if(--left<=0)go();});f.addEventListener("error",function(){if(--left<=0)go();});});
if(left===0)go();setTimeout(go,5000);})();`;

/**
 * Entra's sign-out page when apps of the session registered a front-channel logout URL: one hidden
 * iframe per app (`?sid=…`), then — when the app asked for one — the redirect to its
 * post_logout_redirect_uri once the iframes have loaded (a meta refresh without script).
 */
export function frontChannelSignOutPage(frames: string[], redirect: string | undefined, nonce: string) {
  const iframes = frames
    .map(
      (src) =>
        `<iframe src="${escapeHtml(src)}" title="Signing out of an app" width="0" height="0" style="display:none"></iframe>`,
    )
    .join("\n");
  const next = redirect
    ? `<p><a id="continue" href="${escapeHtml(redirect)}">Continue</a></p>`
    : `<p>It's a good idea to close all browser windows.</p>`;
  const body = `<h1>You signed out of your account</h1>
<p>Signing you out of the apps you used…</p>
${iframes}
${next}`;
  const origins = [...new Set(frames.map((src) => new URL(src).origin))].join(" ");
  const csp = `${BASE_CSP}; frame-src ${origins}; script-src 'nonce-${nonce}'; form-action 'none'`;
  const result = page("Sign out", body, csp, redirect ? { nonce, code: REDIRECT_SCRIPT } : undefined);
  if (redirect) {
    // Without script, a refresh still gets the browser back to the app (after the iframes had time).
    result.html = result.html.replace(
      "</head>",
      `<meta http-equiv="refresh" content="5;url=${escapeHtml(redirect)}">\n</head>`,
    );
  }
  return result;
}
