import { ErrorCode } from "@entra-bff/contracts";
import { ApiRequestError, NetworkError } from "../lib/api.js";
import { useDocumentTitle } from "../lib/title.js";

interface ErrorText {
  title: string;
  detail: string;
}

/** What to tell a person about an error, in words, never a stack trace. */
export function describeError(error: unknown): ErrorText {
  if (error instanceof NetworkError) {
    return {
      title: "We can't reach the server",
      detail: "Check your internet connection, then try again.",
    };
  }
  if (!(error instanceof ApiRequestError)) {
    return { title: "Something went wrong", detail: "An unexpected error occurred. Please try again." };
  }
  switch (error.code) {
    case ErrorCode.RateLimited:
      return {
        title: "Too many requests",
        detail:
          error.retryAfter !== undefined
            ? `Microsoft Graph asked us to slow down. Try again in about ${error.retryAfter} seconds.`
            : "Microsoft Graph asked us to slow down. Wait a moment, then try again.",
      };
    case ErrorCode.UpstreamTimeout:
      return {
        title: "Microsoft Graph is taking too long",
        detail: "Your profile did not arrive in time. Try again in a moment.",
      };
    case ErrorCode.UpstreamUnavailable:
    case ErrorCode.UpstreamError:
      return {
        title: "Microsoft Graph is unavailable",
        detail: "We could not load your profile from Microsoft right now. Try again in a moment.",
      };
    case ErrorCode.SessionStoreUnavailable:
      return {
        title: "We can't check your session right now",
        detail: "Our session service is unavailable. Try again in a moment.",
      };
    case ErrorCode.CsrfRejected:
      return {
        title: "The request was blocked",
        detail: "The server refused a request it could not verify. Reload the page and try again.",
      };
    default:
      return { title: "Something went wrong", detail: "The server could not complete the request." };
  }
}

interface ErrorPanelProps {
  error: unknown;
  onRetry: () => void;
  retrying?: boolean;
}

/** A whole-page error with the reason in plain words and a Retry button. */
export function ErrorPanel({ error, onRetry, retrying = false }: ErrorPanelProps) {
  const { title, detail } = describeError(error);
  useDocumentTitle(title);
  const code = error instanceof ApiRequestError ? error.code : undefined;
  return (
    <section className="card notice error" role="alert" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p className="lead">{detail}</p>
      {code && (
        <dl className="details">
          <dt>Error code</dt>
          <dd>
            <code>{code}</code>
          </dd>
        </dl>
      )}
      <p className="actions">
        {/* aria-disabled, not disabled: a disabled button would drop keyboard focus mid-retry. */}
        <button
          type="button"
          className="button primary"
          aria-disabled={retrying}
          onClick={() => {
            if (!retrying) onRetry();
          }}
        >
          {retrying ? "Retrying…" : "Retry"}
        </button>
      </p>
    </section>
  );
}
