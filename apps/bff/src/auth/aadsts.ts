/** A plain-words explanation of an Entra error code for the sign-in error page. */
export interface AadstsExplanation {
  /** Microsoft's short name, e.g. "InvalidReplyTo". */
  name: string;
  /** What happened, in plain words. */
  cause: string;
  /** What to do about it. */
  fix: string;
}

/**
 * The AADSTS codes seen in sign-in and code redemption.
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export const AADSTS: Readonly<Record<number, AadstsExplanation>> = {
  50011: {
    name: "InvalidReplyTo",
    cause: "The redirect URI sent to Entra ID is not registered on the app.",
    fix: "Register the exact redirect URI (scheme, host, port, path) on the app registration; it is PUBLIC_URL + /getAToken.",
  },
  50020: {
    name: "UserUnauthorized",
    cause:
      "This account is from another organization (or a personal Microsoft account) and the app only accepts users of its own tenant.",
    fix: "Sign in with an account of the app's tenant, have an administrator invite the user as a guest, or change the app's supported account types.",
  },
  50034: {
    name: "UserAccountNotFound",
    cause: "This account is not in the app's directory.",
    fix: "Check the user name, or have an admin invite the user as a guest.",
  },
  50053: {
    name: "IdsLocked",
    cause: "The account is locked after too many failed sign-ins.",
    fix: "Wait for the lock to end or ask an administrator to unblock it.",
  },
  50055: {
    name: "InvalidPasswordExpiredPassword",
    cause: "The password has expired.",
    fix: "Reset the password.",
  },
  50057: {
    name: "UserDisabled",
    cause: "The user account is disabled.",
    fix: "An administrator must re-enable the account.",
  },
  50058: {
    name: "UserInformationNotProvided",
    cause: "There was no single-sign-on session to use silently.",
    fix: "Sign in again interactively.",
  },
  50076: {
    name: "UserStrongAuthClientAuthNRequired",
    cause: "Multi-factor authentication is required.",
    fix: "Sign in again and complete the MFA prompt.",
  },
  50079: {
    name: "UserStrongAuthEnrollmentRequired",
    cause: "The user must register for multi-factor authentication.",
    fix: "Register security info, then sign in again.",
  },
  50105: {
    name: "EntitlementGrantsNotFound",
    cause: "The user is not assigned to this application.",
    fix: "An administrator assigns the user (or a group) to the app, or turns off 'assignment required'.",
  },
  50126: {
    name: "InvalidUserNameOrPassword",
    cause: "The user name or password is wrong.",
    fix: "Try again with the right password.",
  },
  50173: {
    name: "FreshTokenNeeded",
    cause: "The sign-in was revoked (for example after a password reset).",
    fix: "Sign in again.",
  },
  50194: {
    name: "NotMultiTenant",
    cause: "The app is single-tenant but the sign-in used a shared endpoint.",
    fix: "Use the tenant-specific authority (ENTRA_TENANT_ID) or make the app multi-tenant.",
  },
  500011: {
    name: "InvalidResourceServicePrincipalNotFound",
    cause: "The API (resource) the app asked a token for does not exist in this tenant.",
    fix: "Check the scope's resource URL; in a national cloud use that cloud's Graph (GRAPH_BASE_URL, e.g. https://graph.microsoft.us).",
  },
  530003: {
    name: "DeviceNotCompliant",
    cause: "A Conditional Access policy requires a managed or compliant device for this sign-in.",
    fix: "Sign in from a device your organization manages, or ask an administrator which device rules apply.",
  },
  53003: {
    name: "BlockedByConditionalAccess",
    cause: "A Conditional Access policy blocked this sign-in.",
    fix: "An administrator reviews the Conditional Access policy.",
  },
  54005: {
    name: "AuthCodeAlreadyRedeemed",
    cause: "This sign-in code was already used.",
    fix: "Start a new sign-in; codes are single-use.",
  },
  65001: {
    name: "DelegationDoesNotExist",
    cause: "The user or an administrator has not consented to the app's permissions.",
    fix: "Sign in again and accept the consent prompt, or have an administrator grant consent.",
  },
  65004: {
    name: "UserDeclinedConsent",
    cause: "The consent prompt was cancelled.",
    fix: "Sign in again and accept the requested permissions to continue.",
  },
  70000: {
    name: "InvalidGrant",
    cause:
      "The sign-in code or refresh token is not valid (already used, revoked, or issued to another app).",
    fix: "Sign in again.",
  },
  70008: {
    name: "ExpiredOrRevokedGrant",
    cause: "The sign-in code or session expired.",
    fix: "Start a new sign-in.",
  },
  700082: {
    name: "ExpiredOrRevokedGrantInactiveToken",
    cause: "The session expired after a long period of inactivity.",
    fix: "Sign in again.",
  },
  70011: {
    name: "InvalidScope",
    cause: "The app asked for a permission (scope) that is not valid.",
    fix: "Fix the requested scopes in the app configuration.",
  },
  700027: {
    name: "Client assertion failed signature validation",
    cause:
      "Entra ID did not accept the app's certificate: it is not uploaded to this app registration, or the key does not match it.",
    fix: "Upload the certificate (.crt, not the key) under Certificates & secrets → Certificates on this app, and point ENTRA_CLIENT_CERT_PATH/ENTRA_CLIENT_KEY_PATH at that certificate and its key.",
  },
  700084: {
    name: "SpaRefreshTokenExpired",
    cause: "The refresh token was issued to a single-page app and has a fixed 24-hour lifetime.",
    fix: "Sign in again; register the redirect URI as a Web platform URI, not a SPA one.",
  },
  700016: {
    name: "UnauthorizedClient_DoesNotMatchRequest",
    cause: "No app with this client ID exists in this tenant.",
    fix: "Set ENTRA_CLIENT_ID to the Application (client) ID and ENTRA_TENANT_ID to the Directory (tenant) ID, both from the app registration's Overview page.",
  },
  700005: {
    name: "InvalidGrantRedeemAgainstWrongTenant",
    cause: "The sign-in code belongs to another tenant.",
    fix: "Use the same tenant authority for sign-in and code redemption.",
  },
  7000215: {
    name: "InvalidClientSecret",
    cause:
      "Entra ID rejected the app's client secret: it is wrong, or it is the Secret ID instead of the secret's Value.",
    fix: "Set ENTRA_CLIENT_SECRET to the secret's Value (not its ID), or create a new secret.",
  },
  7000218: {
    name: "MissingClientCredential",
    cause:
      "The app sent no client credential (secret, certificate or client assertion) — with workload identity, typically a refresh sent without the federated assertion.",
    fix: "Configure ENTRA_CLIENT_SECRET, a certificate, ENTRA_CLIENT_ASSERTION_FILE or ENTRA_CLIENT_CREDENTIAL=managed-identity; this BFF sends the assertion with every token request, refreshes included.",
  },
  70021: {
    name: "NoMatchingFederatedIdentityRecordFound",
    cause:
      "No federated credential on the app registration matches the client assertion's issuer, subject and audience.",
    fix: "Under Certificates & secrets → Federated credentials, add one with the token's issuer (e.g. the AKS cluster's OIDC issuer URL), subject (system:serviceaccount:<namespace>:<service account>) and audience api://AzureADTokenExchange.",
  },
  700211: {
    name: "FederatedIdentityCredentialIssuerMismatch",
    cause: "The client assertion's issuer matches none of the app's federated credentials.",
    fix: "Set the federated credential's issuer to the exact `iss` of the token file (for AKS: az aks show --query oidcIssuerProfile.issuerUrl; for a managed identity: https://login.microsoftonline.com/<tenant id>/v2.0), character for character.",
  },
  700213: {
    name: "FederatedIdentityCredentialSubjectMismatch",
    cause: "The client assertion's subject matches none of the app's federated credentials for that issuer.",
    fix: "Set the federated credential's subject to the token's `sub`: system:serviceaccount:<namespace>:<service account> on Kubernetes, or the managed identity's object (principal) id.",
  },
  700024: {
    name: "ClientAssertionNotWithinValidTimeRange",
    cause:
      "The client assertion has expired (or is not yet valid): a stale token file, or a clock that is off.",
    fix: "Let the platform rotate the token file (the BFF re-reads ENTRA_CLIENT_ASSERTION_FILE at every request; do not copy it elsewhere) and check the machine's clock.",
  },
  7000222: {
    name: "InvalidClientSecretExpiredKeysProvided",
    cause: "The app's client secret has expired.",
    fix: "Create a new client secret under Certificates & secrets (or switch to a certificate) and set ENTRA_CLIENT_SECRET to its Value.",
  },
  90002: {
    name: "InvalidTenantName",
    cause: "No tenant with this ID or domain exists in this cloud.",
    fix: "Set ENTRA_TENANT_ID to the Directory (tenant) ID from the app's Overview page; for a national cloud set ENTRA_AUTHORITY_HOST (e.g. https://login.microsoftonline.us).",
  },
  900144: {
    name: "MissingParameter",
    cause: "A required parameter was missing from the request to Entra ID.",
    fix: "This is a bug in the app; report it.",
  },
  9002313: {
    name: "InvalidRequest",
    cause: "The request to Entra ID was malformed.",
    fix: "Start a new sign-in; if it persists, report it.",
  },
  501481: {
    name: "CodeVerifierMismatch",
    cause: "The PKCE code verifier did not match.",
    fix: "Start a new sign-in.",
  },
};

/** Finds the AADSTS code at the start of an `error_description` ("AADSTS50011: …"). */
export function parseAadstsCode(description: string | undefined): number | undefined {
  const match = /AADSTS(\d{4,8})/.exec(description ?? "");
  return match?.[1] ? Number(match[1]) : undefined;
}

/** The explanation for a code, if we have one. */
export function explainAadsts(code: number | undefined): AadstsExplanation | undefined {
  return code === undefined ? undefined : AADSTS[code];
}
