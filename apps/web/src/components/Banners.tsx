/** Tells people they are looking at the local emulator, not a real Microsoft tenant. */
export function DemoBanner({ signedIn }: { signedIn: boolean }) {
  return (
    <aside className="banner demo" aria-label="Demo mode">
      <strong>Demo mode: local Entra ID emulator</strong>
      {!signedIn && <span> — sign in as any demo user, e.g. Adele Vance.</span>}
    </aside>
  );
}

/** Shown while the browser reports no network connection. */
export function OfflineBanner() {
  return (
    <aside className="banner offline" role="status" aria-label="Connection">
      <strong>You are offline.</strong> Check your connection; the page updates when you are back online.
    </aside>
  );
}
