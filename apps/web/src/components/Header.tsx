import type { ReactNode } from "react";
import { Link } from "../lib/router.js";

function LogoMark() {
  return (
    <svg
      className="logo-mark"
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M12 2 3 6v6c0 5 3.8 9.3 9 10 5.2-.7 9-5 9-10V6l-9-4Z" fill="currentColor" />
      <path className="logo-check" d="m8 12 3 3 5-6" />
    </svg>
  );
}

/** App bar: the app's name, then `children` (navigation and account when signed in). */
export function Header({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href="/" className="brand">
          <LogoMark />
          <span>Entra BFF</span>
        </Link>
        {children}
      </div>
    </header>
  );
}
