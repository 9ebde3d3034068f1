import { useDocumentTitle } from "../lib/title.js";
import { SignInLink } from "./SignInLink.js";

/** The signed-out page: what this app is, and the way in. */
export function Landing() {
  useDocumentTitle("Sign in");
  return (
    <section className="hero" aria-labelledby="landing-title">
      <p className="eyebrow">Microsoft Entra ID · Microsoft Graph</p>
      <h1 id="landing-title">Entra BFF</h1>
      <p className="lead">
        See your Microsoft 365 profile after signing in with your work account — your tokens stay on our
        server, and this page only ever holds a cookie.
      </p>
      <p className="actions">
        <SignInLink />
      </p>
      <ul className="features" aria-label="How it keeps you safe">
        <li>
          <strong>No tokens in the browser.</strong> The server signs you in and talks to Microsoft Graph for
          you.
        </li>
        <li>
          <strong>Single sign-on.</strong> Use the Microsoft account you already have, with your
          organisation's policies.
        </li>
        <li>
          <strong>Sign out everywhere.</strong> Signing out ends the session on the server too.
        </li>
      </ul>
    </section>
  );
}
