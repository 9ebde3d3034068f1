import { currentPathAndSearch } from "../lib/router.js";

/** The BFF's sign-in URL, bringing the user back to `returnTo` afterwards. */
export function signInHref(returnTo: string): string {
  return `/login?returnTo=${encodeURIComponent(returnTo)}`;
}

function MicrosoftLogo() {
  return (
    <svg className="ms-logo" viewBox="0 0 21 21" width="18" height="18" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="10" height="10" fill="#f25022" />
      <rect x="11" y="0" width="10" height="10" fill="#7fba00" />
      <rect x="0" y="11" width="10" height="10" fill="#00a4ef" />
      <rect x="11" y="11" width="10" height="10" fill="#ffb900" />
    </svg>
  );
}

/** A full-page link to `/login` (the BFF redirects to Entra ID) that returns to the current page. */
export function SignInLink({ label = "Sign in with Microsoft" }: { label?: string }) {
  return (
    <a className="button primary sign-in" href={signInHref(currentPathAndSearch())}>
      <MicrosoftLogo />
      {label}
    </a>
  );
}
