import { unescapeHtml } from "./html.js";
import { type SimpleRequest, type SimpleResponse, simpleRequest } from "./http-client.js";

export interface SignInOptions {
  /** What to answer a consent step with; default "accept" (the user clicks Accept). */
  consent?: "accept" | "cancel";
}

/**
 * Drives the account picker over plain HTTP the way a browser would: GET the authorize URL, pick
 * the user by username (UPN or display name) and POST the form, then answer a consent step if one
 * shows. No cookies are kept, so every call starts without an SSO session. Resolves the URL the
 * emulator sends the browser to: `redirect_uri?code=…&state=…` (or `error=…`). For
 * `response_mode=form_post` the posted fields are returned as that URL's query.
 */
export async function driveSignIn(
  authorizeUrl: string,
  username: string,
  options: SignInOptions = {},
  request: SimpleRequest = simpleRequest(),
): Promise<URL> {
  let url = authorizeUrl;
  let response = await request(url);
  for (let step = 0; step < 3; step++) {
    const target = redirectTarget(response, url);
    if (target) return target;
    const html = response.text;
    if (response.status !== 200)
      throw new Error(`sign-in failed at the authorize page: ${pageMessage(html, response.status)}`);
    const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
    const flow = html.match(/name="flow" value="([^"]+)"/)?.[1];
    if (!action || !flow) throw new Error("sign-in failed: the authorize page has no form");
    const fields: Record<string, string> = { flow: unescapeHtml(flow) };
    if (html.includes('name="action" value="accept"')) fields.action = options.consent ?? "accept";
    else fields.user = pickUser(html, username);
    url = new URL(unescapeHtml(action), url).toString();
    response = await request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
  throw new Error("sign-in failed: too many interactive steps");
}

/** The picker's user id for a UPN, display name or id. */
function pickUser(html: string, username: string): string {
  const wanted = username.toLowerCase();
  for (const match of html.matchAll(
    /name="user" value="([^"]+)"[\s\S]*?<span class="name">([^<]*)<\/span><span class="upn">([^<]*)<\/span>/g,
  )) {
    const [, id, name, upn] = match;
    if (upn?.toLowerCase() === wanted || unescapeHtml(name ?? "").toLowerCase() === wanted || id === wanted)
      return unescapeHtml(id ?? "");
  }
  throw new Error(`sign-in failed: no account "${username}" on the picker`);
}

/** A 302 Location, or the target + fields of a form_post auto-submit page. */
function redirectTarget(response: SimpleResponse, requestUrl: string): URL | undefined {
  const { location } = response;
  if (response.status >= 300 && response.status < 400 && location) return new URL(location, requestUrl);
  if (response.status !== 200) return undefined;
  const html = response.text;
  if (html.includes('name="flow"')) return undefined;
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  if (!action) return undefined;
  const url = new URL(unescapeHtml(action));
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    url.searchParams.set(unescapeHtml(m[1] ?? ""), unescapeHtml(m[2] ?? ""));
  }
  return url;
}

function pageMessage(html: string, status: number): string {
  const message = html.match(/<dt>Message<\/dt><dd>([^<]*)<\/dd>/)?.[1];
  return message ? `${status} ${unescapeHtml(message)}` : `HTTP ${status}`;
}
