import { ErrorCode } from "@entra-bff/contracts";
import { ApiRequestError } from "../lib/api.js";

/** consent_required / step_up_required: the API needs the user, not a new session. */
export function needsPermission(error: unknown): error is ApiRequestError & { loginUrl: string } {
  return (
    error instanceof ApiRequestError &&
    (error.code === ErrorCode.ConsentRequired || error.code === ErrorCode.StepUpRequired) &&
    typeof error.loginUrl === "string" &&
    error.loginUrl.startsWith("/")
  );
}

/** The BFF's login URL, coming back to this very page afterwards. */
function withReturnTo(loginUrl: string): string {
  const url = new URL(loginUrl, window.location.origin);
  url.searchParams.set("returnTo", `${window.location.pathname}${window.location.search}`);
  return `${url.pathname}${url.search}`;
}

/** "This page needs your permission" with one button that performs the step at Microsoft. */
export function PermissionPrompt({ error }: { error: ApiRequestError & { loginUrl: string } }) {
  const stepUp = error.code === ErrorCode.StepUpRequired;
  return (
    <section className="card notice" aria-labelledby="permission-title">
      <h1 id="permission-title">This page needs your permission</h1>
      <p className="lead">
        {stepUp
          ? "To use your tasks, Microsoft needs you to confirm it's you again."
          : "To show your tasks, this app needs your permission to use the Tasks API for you."}
      </p>
      <a className="button primary" href={withReturnTo(error.loginUrl)}>
        {stepUp ? "Verify and continue" : "Grant permission"}
      </a>
    </section>
  );
}
