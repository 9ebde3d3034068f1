/**
 * Drives the account picker over plain HTTP the way a browser would: GET the authorize URL, pick
 * the user by username (UPN or display name) and POST the form. Resolves the URL the emulator sends
 * the browser to: `redirect_uri?code=…&state=…` (or `error=…`). For `response_mode=form_post` the
 * posted fields are returned as that URL's query so callers read them the same way.
 */
export async function driveSignIn(authorizeUrl: string, username: string): Promise<URL> {
  const first = await fetch(authorizeUrl, { redirect: "manual" });
  const immediate = await redirectTarget(first);
  if (immediate) return immediate;
  const html = await first.text();
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
  const second = await fetch(new URL(decodeEntities(action), authorizeUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const target = await redirectTarget(second);
  if (target) return target;
  throw new Error(
    `sign-in failed after choosing the account: ${pageMessage(await second.text(), second.status)}`,
  );
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
async function redirectTarget(response: Response): Promise<URL | undefined> {
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location) return new URL(location, response.url);
  if (response.status !== 200) return undefined;
  const html = await response.clone().text();
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
