import { type Check, result } from "../check.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const TITLE = "Redirect URI";

/**
 * Says which redirect URI must be registered (always PUBLIC_URL + /getAToken) and warns about
 * http outside localhost, which Entra does not accept for Web apps.
 */
export const checkRedirectUri: Check = async ({ config }) => {
  const uri = config.redirectUri;
  const where = `Register exactly ${uri} under Authentication → Platform configurations → Web → Redirect URIs (not as a SPA redirect URI).`;
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
