import type { AuthPageOptions } from "./error-page.js";

/** "Your organisation is not allowed": a multi-tenant app's user from an unlisted tenant. */
export function tenantNotAllowedPage(tenantId: string): { status: number; page: AuthPageOptions } {
  return {
    status: 403,
    page: {
      title: "Your organisation is not allowed",
      lead:
        "You signed in with an account of an organisation that may not use this app. Ask the app's " +
        "administrator to allow your organisation, or sign in with another account.",
      details: [
        { term: "Your organisation's tenant id", value: tenantId },
        { term: "For the administrator", value: "add this tenant id to ENTRA_ALLOWED_TENANTS" },
      ],
    },
  };
}

/** A groups overage Graph did not resolve: the session would otherwise hold "no groups". */
export function groupsUnavailablePage(permission: boolean): { status: number; page: AuthPageOptions } {
  if (!permission) {
    return {
      status: 503,
      page: {
        title: "Sign-in could not be completed",
        lead: "Your group memberships could not be read from Microsoft Graph right now. Please try again.",
      },
    };
  }
  return {
    status: 502,
    page: {
      title: "This app cannot read your group memberships",
      lead:
        "You are in more groups than fit in a token, and the app is not allowed to ask Microsoft " +
        "Graph for them. No session was created.",
      details: [
        {
          term: "How to fix it",
          value:
            "An administrator adds the delegated Microsoft Graph permission GroupMember.Read.All to the " +
            "app registration (API permissions) and grants admin consent for it.",
        },
      ],
    },
  };
}
