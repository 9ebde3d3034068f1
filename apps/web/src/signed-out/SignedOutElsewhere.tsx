import { useDocumentTitle } from "../lib/title.js";
import { SignInLink } from "./SignInLink.js";

/** Shown when this browser's session ended elsewhere (another device, an admin, the IdP). */
export function SignedOutElsewhere() {
  useDocumentTitle("Signed out");
  return (
    <section className="card notice" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">You were signed out</h1>
      <p className="lead">Your session ended on another device or at Microsoft. Sign in to continue.</p>
      <p className="actions">
        <SignInLink label="Sign in again" />
      </p>
    </section>
  );
}
