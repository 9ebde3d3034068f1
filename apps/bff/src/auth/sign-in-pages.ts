import { AppError } from "../errors.js";
import { StoreUnavailableError } from "../session/kv-store.js";
import { explainAadsts } from "./aadsts.js";
import { type AuthPageOptions, type PageDetail, renderAuthPage } from "./error-page.js";
import { SignInError, type SignInFailure } from "./sign-in-error.js";

export interface RenderedPage {
  status: number;
  html: string;
  /** Seconds, for a Retry-After header. */
  retryAfter?: number;
}

/** `/login?returnTo=…`: the "Try again" target. */
export function retryUrl(returnTo: string): string {
  return returnTo === "/" ? "/login" : `/login?returnTo=${encodeURIComponent(returnTo)}`;
}

/** Turns any sign-in failure into a readable page (never a stack trace or a JSON dump). */
export function signInErrorPage(error: unknown): RenderedPage {
  if (error instanceof SignInError) {
    const { status, page } = failurePage(error.failure);
    const html = renderAuthPage({ ...page, retryUrl: retryUrl(error.returnTo) });
    return error.failure.kind === "too_many_sign_ins" ? { status, html, retryAfter: 60 } : { status, html };
  }
  if (error instanceof StoreUnavailableError) {
    return unavailable("The app's session store cannot be reached. Please try again in a moment.");
  }
  if (error instanceof AppError && error.code === "upstream_unavailable") {
    return unavailable("Microsoft Entra ID cannot be reached right now. Please try again in a moment.");
  }
  if (error instanceof AppError && error.code === "rate_limited") {
    return {
      status: 429,
      html: renderAuthPage({
        title: "Too many sign-in attempts",
        lead: "Please wait a minute before trying again.",
        retryUrl: "/login",
      }),
    };
  }
  return {
    status: 500,
    html: renderAuthPage({
      title: "Sign-in could not be completed",
      lead: "Something went wrong on our side. Please try again.",
      retryUrl: "/login",
    }),
  };
}

function unavailable(lead: string): RenderedPage {
  return {
    status: 503,
    html: renderAuthPage({ title: "Sign-in is unavailable right now", lead, retryUrl: "/login" }),
  };
}

function failurePage(failure: SignInFailure): { status: number; page: AuthPageOptions } {
  switch (failure.kind) {
    case "entra_error": {
      const explained = explainAadsts(failure.aadsts);
      const details: PageDetail[] = [];
      if (failure.aadsts !== undefined) {
        details.push({
          term: "Error code",
          value: `AADSTS${failure.aadsts}${explained ? ` (${explained.name})` : ""}`,
        });
      }
      details.push({ term: "Error", value: failure.error });
      if (explained) {
        details.push({ term: "What happened", value: explained.cause });
        details.push({ term: "How to fix it", value: explained.fix });
      }
      const message = firstLine(failure.description);
      if (message) details.push({ term: "Message from Microsoft Entra ID", value: message });
      return {
        status: 400,
        page: {
          // access_denied also carries refusals (50105 not assigned, 53003 Conditional Access):
          // only 65004 (or a bare access_denied) means the user chose Cancel.
          title:
            failure.aadsts === 65004 || (failure.aadsts === undefined && failure.error === "access_denied")
              ? "Sign-in was cancelled"
              : "Sign-in did not complete",
          lead: explained?.cause ?? "Microsoft Entra ID could not sign you in.",
          details,
        },
      };
    }
    case "unverified_error":
      return {
        status: 400,
        page: {
          title: "Sign-in did not complete",
          lead: "This sign-in was not completed, or it was started in another browser. Please try again.",
        },
      };
    case "issuer_mismatch":
      return {
        status: 400,
        page: {
          title: "We could not verify your sign-in",
          lead: "The sign-in response did not come from this app's Microsoft Entra tenant, so it was not used.",
        },
      };
    case "state_invalid":
      return {
        status: 400,
        page: {
          title: "Your sign-in expired",
          lead: "Your sign-in expired or was started in another browser. Please try again.",
        },
      };
    case "id_token_invalid":
      return {
        status: 502,
        page: {
          title: "We could not verify your sign-in",
          lead: "The identity token from Microsoft Entra ID failed verification, so no session was created.",
          details: [{ term: "Reason", value: failure.reason }],
        },
      };
    case "bad_request":
      return {
        status: 400,
        page: {
          title: "Sign-in did not complete",
          lead: "The sign-in response was incomplete. Please try again.",
        },
      };
    case "idp_unavailable":
      return {
        status: 503,
        page: { title: "Sign-in is unavailable right now", lead: "Microsoft Entra ID cannot be reached." },
      };
    case "too_many_sign_ins":
      return {
        status: 503,
        page: {
          title: "Too many sign-ins in progress",
          lead:
            "The app is handling as many sign-ins as it can right now. Please try again in a minute. " +
            "If you are already signed in, nothing changes for you.",
        },
      };
    case "exchange_failed":
      return {
        status: 502,
        page: {
          title: "Sign-in could not be completed",
          lead: "The app could not redeem the sign-in with Microsoft Entra ID. Please try again.",
        },
      };
  }
}

/** The most of Entra's description the page shows. */
const MAX_DESCRIPTION_LENGTH = 300;

/** Entra's description without its Trace/Correlation/Timestamp lines, kept short. */
function firstLine(description: string | undefined): string | undefined {
  const line = description?.split(/\r?\n/)[0]?.trim();
  if (!line) return undefined;
  return line.length > MAX_DESCRIPTION_LENGTH ? `${line.slice(0, MAX_DESCRIPTION_LENGTH)}…` : line;
}
