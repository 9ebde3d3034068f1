import { type Check, result } from "../check.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const TITLE = "Redirect URI";

/**
 * Says which redirect URIs must be registered (PUBLIC_URL + /getAToken for sign-in, PUBLIC_URL + /
 * because Entra returns from sign-out only to a registered redirect URI) and warns about http
 * outside localhost, which Entra does not accept for Web apps.
 */
export const checkRedirectUri: Check = async ({ config }) => {
  const uri = config.redirectUri;
  const where = `Register exactly ${uri} and ${config.postLogoutRedirectUri} (where sign-out returns) under Authentication → Platform configurations → Web → Redirect URIs (not as SPA redirect URIs).`;
  const url = new URL(uri);
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) {
    return result(
      "redirect-uri",
      TITLE,
      "fail",
      `The redirect URI ${uri} uses http on a host other than localhost; Microsoft Entra ID accepts http only for localhost.`,
      `Serve the app over https and set PUBLIC_URL to its https URL. ${where}`,
    );
  }
  return result("redirect-uri", TITLE, "pass", where);
};
