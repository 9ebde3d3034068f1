import { type Check, result } from "../check.js";

/** Microsoft's national clouds: sign-in host → its name and Graph hosts. */
const CLOUDS: Record<string, { name: string; graphHosts: string[] }> = {
  "login.microsoftonline.com": { name: "Microsoft Entra ID (global)", graphHosts: ["graph.microsoft.com"] },
  "login.microsoftonline.us": {
    name: "Azure US Government",
    graphHosts: ["graph.microsoft.us", "dod-graph.microsoft.us"],
  },
  "login.chinacloudapi.cn": {
    name: "Microsoft Azure operated by 21Vianet (China)",
    graphHosts: ["microsoftgraph.chinacloudapi.cn"],
  },
  "login.partner.microsoftonline.cn": {
    name: "Microsoft Azure operated by 21Vianet (China)",
    graphHosts: ["microsoftgraph.chinacloudapi.cn"],
  },
};

const TITLE = "Cloud (authority and Graph hosts)";

/** ENTRA_AUTHORITY_HOST is a known Entra cloud and GRAPH_BASE_URL belongs to the same cloud. */
export const checkCloud: Check = async ({ idp }) => {
  const authorityHost = new URL(idp.authorityHost).host;
  const graphHost = new URL(idp.graphBaseUrl).host;
  if (idp.emulator) {
    return result("cloud", TITLE, "pass", `The project's emulator at ${idp.authorityHost}.`);
  }
  if (authorityHost.endsWith(".ciamlogin.com")) {
    return result(
      "cloud",
      TITLE,
      "pass",
      `Microsoft Entra External ID (${authorityHost}); its issuer is https://<tenant id>.ciamlogin.com/<tenant id>/v2.0, read from the metadata. Graph at ${graphHost}.`,
    );
  }
  const cloud = CLOUDS[authorityHost];
  if (!cloud) {
    return result(
      "cloud",
      TITLE,
      "warn",
      `${authorityHost} is not a known Microsoft Entra sign-in host.`,
      `Use one of ${Object.keys(CLOUDS)
        .map((host) => `https://${host}`)
        .join(", ")} unless you know you need another.`,
    );
  }
  if (!cloud.graphHosts.includes(graphHost)) {
    return result(
      "cloud",
      TITLE,
      "warn",
      `Sign-in goes to ${cloud.name} (${authorityHost}) but Graph calls go to ${graphHost}.`,
      `Set GRAPH_BASE_URL to https://${cloud.graphHosts[0]} for ${cloud.name}.`,
    );
  }
  return result("cloud", TITLE, "pass", `${cloud.name}: sign-in at ${authorityHost}, Graph at ${graphHost}.`);
};
