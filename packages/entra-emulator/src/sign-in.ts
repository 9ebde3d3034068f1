import { type SimpleRequest, type SimpleResponse, simpleRequest } from "./http-client.js";

/**
 * Drives the account picker over plain HTTP the way a browser would: GET the authorize URL, pick
 * the user by username (UPN or display name) and POST the form. Resolves the URL the emulator sends
 * the browser to: `redirect_uri?code=…&state=…` (or `error=…`). For `response_mode=form_post` the
 * posted fields are returned as that URL's query so callers read them the same way.
 */
export async function driveSignIn(
  authorizeUrl: string,
  username: string,
  request: SimpleRequest = simpleRequest(),
): Promise<URL> {
  const first = await request(authorizeUrl);
  const immediate = redirectTarget(first, authorizeUrl);
  if (immediate) return immediate;
  const html = first.text;
  if (first.status !== 200)
    throw new Error(`sign-in failed at the authorize page: ${pageMessage(html, first.status)}`);
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  const flow = html.match(/name="flow" value="([^"]+)"/)?.[1];
  if (!action || !flow) throw new Error("sign-in failed: the authorize page has no account picker");
  const wanted = username.toLowerCase();
  let userId: string | undefined;
  for (const match of html.matchAll(
    /name="user" value="([^"]+)"[\s\S]*?<span class="name">([^<]*)<\/span><span class="upn">([^<]*)<\/span>/g,
  )) {
    const [, id, name, upn] = match;
    if (upn?.toLowerCase() === wanted || decodeEntities(name ?? "").toLowerCase() === wanted || id === wanted)
      userId = id;
  }
  if (!userId) throw new Error(`sign-in failed: no account "${username}" on the picker`);
  const body = new URLSearchParams({ flow: decodeEntities(flow), user: decodeEntities(userId) });
  const loginUrl = new URL(decodeEntities(action), authorizeUrl).toString();
  const second = await request(loginUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  const target = redirectTarget(second, loginUrl);
  if (target) return target;
  throw new Error(`sign-in failed after choosing the account: ${pageMessage(second.text, second.status)}`);
}

function decodeEntities(value: string): string {
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
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
  const url = new URL(decodeEntities(action));
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    url.searchParams.set(decodeEntities(m[1] ?? ""), decodeEntities(m[2] ?? ""));
  }
  return url;
}

function pageMessage(html: string, status: number): string {
  const message = html.match(/<dt>Message<\/dt><dd>([^<]*)<\/dd>/)?.[1];
  return message ? `${status} ${decodeEntities(message)}` : `HTTP ${status}`;
}
