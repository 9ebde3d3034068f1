import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

// A tiny History API router: two routes do not justify a router library in the bundle.
const NAVIGATE_EVENT = "app:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The current `location.pathname`, re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Client-side navigation to a same-origin path. */
export function navigate(to: string): void {
  window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo?.(0, 0);
}

/** The path and query the user is on, for `returnTo` after sign-in. */
export function currentPathAndSearch(): string {
  return window.location.pathname + window.location.search;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An `<a>` that navigates client-side on a plain left click and marks itself as the current page. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const pathname = usePathname();
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified) return;
    event.preventDefault();
    if (href !== pathname) navigate(href);
  }
  return (
    <a href={href} aria-current={href === pathname ? "page" : undefined} onClick={handleClick} {...rest} />
  );
}
