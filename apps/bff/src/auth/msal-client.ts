import {
  ConfidentialClientApplication,
  type Configuration,
  type ICachePlugin,
  LogLevel,
} from "@azure/msal-node";
import type { FastifyBaseLogger } from "fastify";
import type { EntraSettings } from "../config.js";
import { msalCredential } from "./client-credential.js";
import type { OidcMetadata } from "./idp-metadata.js";
import { timedNetworkClient } from "./msal-network.js";

/** Builds a ConfidentialClientApplication bound to one session's token cache. */
export type MsalClientFactory = (cachePlugin?: ICachePlugin) => ConfidentialClientApplication;

/** The scopes of every sign-in; MSAL adds openid, profile and offline_access itself. */
export const SIGN_IN_SCOPES = ["openid", "profile", "offline_access", "User.Read"];
/** The scopes of the Graph access token. */
export const GRAPH_SCOPES = ["User.Read"];

/**
 * MSAL insists on an https authority string; the endpoints inside `authorityMetadata` may be
 * plain http (the loopback emulator). With metadata and knownAuthorities MSAL does no discovery.
 */
export function msalAuthority(idp: EntraSettings): { authority: string; knownAuthority: string } {
  const host = new URL(idp.authorityHost).host;
  return { authority: `https://${host}/${idp.tenantId}`, knownAuthority: host };
}

/**
 * Returns a factory of MSAL clients sharing the configuration but not the cache: MSAL's
 * in-memory cache is per client, so each session's operations get a client of their own.
 * @see https://learn.microsoft.com/entra/msal/javascript/node/caching
 */
export function createMsalClientFactory(
  idp: EntraSettings,
  metadata: OidcMetadata,
  log: FastifyBaseLogger,
  timeoutMs = 10_000,
): MsalClientFactory {
  const networkClient = timedNetworkClient(timeoutMs);
  const { authority, knownAuthority } = msalAuthority(idp);
  const authorityMetadata = JSON.stringify(metadata);
  const credential = msalCredential(idp.credential);
  const msalLog = log.child({ component: "msal" });
  return (cachePlugin) => {
    const configuration: Configuration = {
      auth: {
        clientId: idp.clientId,
        authority,
        knownAuthorities: [knownAuthority],
        authorityMetadata,
        ...credential,
      },
      cache: cachePlugin ? { cachePlugin } : {},
      system: {
        networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback(level, message, containsPii) {
            if (containsPii) return;
            if (level === LogLevel.Error) msalLog.error(message);
            else msalLog.warn(message);
          },
        },
      },
    };
    return new ConfidentialClientApplication(configuration);
  };
}
