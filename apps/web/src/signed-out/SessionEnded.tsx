import { useDocumentTitle } from "../lib/title.js";
import { SignInLink } from "./SignInLink.js";

/** Shown on 401 `reauth_required`: the session exists, but Microsoft wants the user to sign in again. */
export function SessionEnded() {
  useDocumentTitle("Session ended");
  return (
    <section className="card notice" aria-labelledby="session-ended-title">
      <h1 id="session-ended-title">Your session has ended</h1>
      <p className="lead">
        For your security, Microsoft asks you to sign in again. You will come back to this page afterwards.
      </p>
      <p className="actions">
        <SignInLink />
      </p>
    </section>
  );
}
